using System;
using System.IO;
using GcsMedia.Protocol;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// -MaxBytesPerSecond support: one <see cref="BandwidthLimiter"/> per cmdlet invocation, shared by every
    /// parallel part or slice (and every file) of that invocation. Two commands running at once each get their own cap.
    /// </summary>
    internal static class Bandwidth
    {
        /// <summary>The smallest cap accepted (1 KiB/s); below that a transfer would look hung.</summary>
        public const long Minimum = 1024;

        /// <summary>Null when no cap was given.</summary>
        public static BandwidthLimiter? Create(long? bytesPerSecond) => bytesPerSecond.HasValue ? new BandwidthLimiter(bytesPerSecond.Value) : null;

        /// <summary>Null when valid, else the message for the InvalidArgument error.</summary>
        public static string? Validate(long? bytesPerSecond)
            => bytesPerSecond.HasValue && bytesPerSecond.Value < Minimum
                ? $"-MaxBytesPerSecond {bytesPerSecond} is too small. Give a rate of at least 1KB (1024 bytes per second), for example 10MB."
                : null;

        /// <summary>Wraps a stream in a <see cref="ThrottledStream"/> when there is a limiter (the wrapper owns the stream).</summary>
        public static Stream Wrap(Stream stream, BandwidthLimiter? limiter) => limiter == null ? stream : new ThrottledStream(stream, limiter);
    }
}
