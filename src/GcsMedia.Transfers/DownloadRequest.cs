using System;
using System.Collections.Generic;
using System.Linq;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// What one download command asks for: a whole object, a byte range or chunks, slices in parallel, or with
    /// <see cref="Recurse"/> every object below a prefix; the options, and which were given explicitly.
    /// <see cref="Check"/> and <see cref="CheckRange"/> refuse what cannot work, before any request; the To… methods
    /// build what the <see cref="TransferManager"/> takes.
    /// </summary>
    public sealed class DownloadRequest
    {
        /// <summary>Objects at once in a folder download when the command gives no concurrency.</summary>
        public const int DefaultFolderConcurrency = 4;

        private readonly HashSet<string> _given;

        /// <param name="givenOptions">The names of the options given explicitly (Include, Exclude, SkipUnchanged, ThrottleLimit, …).</param>
        public DownloadRequest(IEnumerable<string>? givenOptions = null)
        {
            _given = new HashSet<string>(givenOptions ?? Array.Empty<string>(), StringComparer.OrdinalIgnoreCase);
        }

        public long? Start { get; set; }

        public long? End { get; set; }

        public long? ChunkSize { get; set; }

        public bool Raw { get; set; }

        public ChecksumType Checksum { get; set; } = ChecksumType.Crc32c;

        public long? Generation { get; set; }

        public bool Overwrite { get; set; }

        /// <summary>Byte ranges at once for one object (the command's -ThrottleLimit); with <see cref="Recurse"/> also objects at once.</summary>
        public int Concurrency { get; set; } = 1;

        public long SliceSize { get; set; } = SlicedDownload.DefaultSliceSize;

        public long? MaxBytesPerSecond { get; set; }

        public bool Recurse { get; set; }

        public IList<string> Include { get; set; } = new List<string>();

        public IList<string> Exclude { get; set; } = new List<string>();

        public bool SkipUnchanged { get; set; }

        private bool Ranged => Start.HasValue || End.HasValue || ChunkSize.HasValue;

        /// <summary>Objects at once in a folder download: the given concurrency, else <see cref="DefaultFolderConcurrency"/>.</summary>
        public int FolderConcurrency => _given.Contains("ThrottleLimit") ? Concurrency : DefaultFolderConcurrency;

        /// <summary>
        /// Throws <see cref="InvalidOptionException"/> for the first problem, in this order: the bandwidth cap and slice
        /// size; a range or chunks with <see cref="Recurse"/>; folder options without it; a range or chunks with slices.
        /// </summary>
        public void Check()
        {
            InvalidOptionException.Check(() => TransferLimits.CheckMaxBytesPerSecond(MaxBytesPerSecond), MaxBytesPerSecond);
            InvalidOptionException.Check(() => TransferLimits.CheckSliceSize(SliceSize), SliceSize);
            if (Recurse && Ranged)
            {
                throw new InvalidOptionException(
                    "-Recurse downloads whole objects; it cannot be combined with -Start, -End or -ChunkSize.", Start.HasValue ? "Start" : End.HasValue ? "End" : "ChunkSize");
            }

            if (!Recurse)
            {
                foreach (string name in new[] { "Include", "Exclude", "SkipUnchanged" })
                {
                    if (_given.Contains(name))
                    {
                        throw new InvalidOptionException($"-{name} applies to folder downloads only. Add -Recurse, or remove -{name}.", name);
                    }
                }
            }

            if (Concurrency > 1 && Ranged)
            {
                string given = string.Join(", ", new[] { Start.HasValue ? "-Start" : null, End.HasValue ? "-End" : null, ChunkSize.HasValue ? "-ChunkSize" : null }.Where(x => x != null));
                throw new InvalidOptionException(
                    $"-ThrottleLimit {Concurrency} (a sliced download) downloads the whole object in parallel ranges, so it cannot be combined with {given}. " +
                    "Remove -ThrottleLimit for a ranged or chunked download, or remove " + given + " to download the whole object in slices.",
                    "ThrottleLimit",
                    Concurrency);
            }
        }

        /// <summary>The byte range and chunk size (<see cref="TransferLimits.CheckDownloadRange"/>): an ArgumentException naming the option.</summary>
        public void CheckRange() => TransferLimits.CheckDownloadRange(Start, End, ChunkSize);

        /// <summary>One object into one file.</summary>
        public DownloadOptions ToDownloadOptions() => new DownloadOptions
        {
            Start = Start,
            End = End,
            ChunkSize = ChunkSize,
            Raw = Raw,
            Checksum = Checksum,
            Generation = Generation,
            Overwrite = Overwrite,
            SliceConcurrency = Concurrency,
            SliceSize = SliceSize,
        };

        /// <summary>Each object of a folder download: whole, sliced like the folder's concurrency.</summary>
        public DownloadOptions ToFolderDownloadOptions() => new DownloadOptions
        {
            Raw = Raw,
            Checksum = Checksum,
            Overwrite = Overwrite,
            SliceConcurrency = FolderConcurrency,
            SliceSize = SliceSize,
        };

        public FolderOptions ToFolderOptions() => new FolderOptions
        {
            Include = Include,
            Exclude = Exclude,
            MaxConcurrentFiles = FolderConcurrency,
            SkipUnchanged = SkipUnchanged,
        };
    }
}
