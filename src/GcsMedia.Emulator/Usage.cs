namespace GcsMedia.Emulator;

/// <summary>The text of gcs-emulator --help.</summary>
internal static class Usage
{
    public const string Text = """
        usage: gcs-emulator [options]

        A loopback Google Cloud Storage server (JSON and XML APIs, resumable and XML multipart uploads,
        /retry_test fault injection) for tests and offline scripts. It prints its base URL on the first line,
        then the line to paste into a shell: STORAGE_EMULATOR_HOST=http://127.0.0.1:PORT

        options:
          --port N             TCP port on 127.0.0.1 (default 0: a free port)
          --bucket NAME        create bucket NAME at start (repeatable; kept if it already exists in --data-dir)
          --data-dir DIR       keep objects, open resumable sessions and open XML multipart uploads in DIR, so they
                               survive a restart or a crash of the emulator (default: in memory, objects over
                               the memory limit spill to temporary files)
          --latency-ms N       delay added to every request, in milliseconds (default 0)
          --bandwidth-mbps N   per-connection body throughput cap in megabits per second (default 0: unlimited)
          --rewrite-bytes-per-call N
                               most bytes one objects.rewrite call copies, so clients loop on rewriteToken
                               (default 0: the whole object unless the request asks for less)
          --auth-tokens FILE   require bearer tokens: FILE is JSON mapping each token to its IAM permissions,
                               e.g. {"uploader": ["storage.objects.create"]}; 401 without a token, 403 naming the
                               missing permission (default: anonymous, everything allowed)
          -h, --help           print this help and exit
        """;
}
