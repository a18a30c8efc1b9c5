using System;
using System.Collections.Generic;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// What one upload command asks for before any file is known: the kind of upload (parallel parts, resumable, or
    /// chosen per file), whether folders are walked, the options, and which options were given explicitly (a default
    /// is never refused for the company it keeps). <see cref="Check"/> refuses what cannot work, before any request;
    /// <see cref="ToUploadOptions"/> and <see cref="ToFolderOptions"/> are what the <see cref="TransferManager"/> takes.
    /// </summary>
    public sealed class UploadRequest
    {
        /// <summary>Files at once with <see cref="Recurse"/>, and parts at once with <see cref="Parallel"/>, unless given.</summary>
        public const int DefaultConcurrency = 8;

        private readonly HashSet<string> _given;

        /// <param name="givenOptions">The names of the options given explicitly (Include, Exclude, SkipUnchanged, PartSize, ThrottleLimit, …).</param>
        public UploadRequest(IEnumerable<string>? givenOptions = null)
        {
            _given = new HashSet<string>(givenOptions ?? Array.Empty<string>(), StringComparer.OrdinalIgnoreCase);
        }

        public bool Recurse { get; set; }

        public bool Parallel { get; set; }

        public bool Resumable { get; set; }

        public string? ContentType { get; set; }

        public string? ContentEncoding { get; set; }

        public string? CacheControl { get; set; }

        public IDictionary<string, string>? Metadata { get; set; }

        public bool Overwrite { get; set; }

        public ChecksumType Checksum { get; set; } = ChecksumType.Crc32c;

        public long ChunkSize { get; set; } = TransferLimits.DefaultUploadChunkSize;

        public long PartSize { get; set; } = UploadOptions.DefaultPartSize;

        /// <summary>Parts at once with <see cref="Parallel"/>; files at once with <see cref="Recurse"/> (the command's -ThrottleLimit).</summary>
        public int Concurrency { get; set; } = DefaultConcurrency;

        public long? MaxBytesPerSecond { get; set; }

        public IList<string> Include { get; set; } = new List<string>();

        public IList<string> Exclude { get; set; } = new List<string>();

        public bool SkipUnchanged { get; set; }

        /// <summary>Parallel parts when asked for (it wins over resumable, which <see cref="Check"/> refuses with it), resumable when asked for, else chosen per file.</summary>
        public UploadMode Mode => Parallel ? UploadMode.Parallel : Resumable ? UploadMode.Resumable : UploadMode.Auto;

        /// <summary>
        /// Throws <see cref="InvalidOptionException"/> for the first problem, in this order: the bandwidth cap; folder
        /// options without <see cref="Recurse"/>; part options without <see cref="Parallel"/>; <see cref="Parallel"/> with
        /// <see cref="Resumable"/> or with headers a multipart upload cannot carry; the part size; the chunk size.
        /// </summary>
        public void Check()
        {
            InvalidOptionException.Check(() => TransferLimits.CheckMaxBytesPerSecond(MaxBytesPerSecond), MaxBytesPerSecond);
            if (!Recurse)
            {
                RefuseGiven(new[] { "Include", "Exclude", "SkipUnchanged" }, name => $"-{name} applies to folder uploads only. Add -Recurse, or remove -{name}.");
            }

            if (!Parallel)
            {
                // With -Recurse, -ThrottleLimit is the number of files at once.
                RefuseGiven(
                    Recurse ? new[] { "PartSize" } : new[] { "PartSize", "ThrottleLimit" },
                    name => $"-{name} applies to parallel uploads only. Add -Parallel to upload the file as a multipart upload in parallel parts, or remove -{name}.");
            }
            else
            {
                if (Resumable)
                {
                    throw new InvalidOptionException(
                        "-Parallel and -Resumable are different upload modes; choose one. -Parallel sends parts of the file at once (aborted on failure), -Resumable sends it in order and can continue after an interruption.",
                        "Parallel");
                }

                if (ContentEncoding != null || CacheControl != null)
                {
                    throw new InvalidOptionException(
                        "-ContentEncoding and -CacheControl are not supported with -Parallel (a multipart upload only carries -ContentType and -Metadata). Remove -Parallel to set them.",
                        ContentEncoding != null ? "ContentEncoding" : "CacheControl");
                }

                InvalidOptionException.Check(() => TransferLimits.CheckPartSize(PartSize), PartSize);
            }

            InvalidOptionException.Check(() => TransferLimits.CheckUploadChunkSize(ChunkSize), ChunkSize);
        }

        public UploadOptions ToUploadOptions() => new UploadOptions
        {
            Mode = Mode,
            ContentType = ContentType,
            ContentEncoding = ContentEncoding,
            CacheControl = CacheControl,
            Metadata = Metadata,
            Overwrite = Overwrite,
            Checksum = Checksum,
            ChunkSize = ChunkSize,
            PartSize = PartSize,
            PartConcurrency = Concurrency,
        };

        public FolderOptions ToFolderOptions() => new FolderOptions
        {
            Include = Include,
            Exclude = Exclude,
            MaxConcurrentFiles = Concurrency,
            SkipUnchanged = SkipUnchanged,
        };

        private void RefuseGiven(IEnumerable<string> names, Func<string, string> message)
        {
            foreach (string name in names)
            {
                if (_given.Contains(name))
                {
                    throw new InvalidOptionException(message(name), name);
                }
            }
        }
    }
}
