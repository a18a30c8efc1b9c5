using System;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>What a <see cref="TransferManager"/> shares across every transfer it runs.</summary>
    public sealed class TransferManagerOptions
    {
        /// <summary>One bandwidth cap for all transfers of the manager (every file, part and slice); null: none.</summary>
        public long? MaxBytesPerSecond { get; set; }

        /// <summary>
        /// Makes the retry strategy of each request sequence. Null: the protocol's default (the seed's backoff, a
        /// cumulative limit of 600 s or GCSMEDIA_MAX_RETRY_SECONDS). The only place the layer gets its retries from.
        /// </summary>
        public Func<RetryStrategy>? RetryStrategyFactory { get; set; }

        /// <summary>Where resumable uploads keep their state; null: a <see cref="FileUploadStateStore"/> in the default folder.</summary>
        public IUploadStateStore? StateStore { get; set; }

        /// <summary>The first word of top-level progress activities (for example the calling command's name); null: "Upload" or "Download".</summary>
        public string? ProgressLabel { get; set; }
    }
}
