namespace GcsMedia.Transfers
{
    public enum UploadMode
    {
        /// <summary>Multipart when there is metadata to send, else simple.</summary>
        Auto,

        /// <summary>One media request; the checksum is compared after the upload.</summary>
        Simple,

        /// <summary>One request with metadata and media; the checksum travels with the request.</summary>
        Multipart,

        /// <summary>A resumable session in chunks; for files its state is saved, so a new process can finish it.</summary>
        Resumable,

        /// <summary>An XML API multipart upload whose parts are sent in parallel (files only).</summary>
        Parallel,
    }
}
