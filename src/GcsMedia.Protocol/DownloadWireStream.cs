using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// A read-only stream over the current response body that does the wire-level accounting of a download:
    /// skips bytes the server re-sent, stops at the range end, hashes and counts every byte kept. The body can be
    /// swapped on a resume, so a gzip decoder reading from this stream carries on across responses.
    /// </summary>
    internal sealed class DownloadWireStream : ForwardReadStream
    {
        private Stream? _source;
        private long _skip;
        private long? _remaining;

        public MediaHasher? Hasher { get; set; }

        /// <summary>Wire bytes kept so far (after skipping), across every body.</summary>
        public long BytesRead { get; set; }

        public Action<long>? OnBytes { get; set; }

        public void SetSource(Stream source, long skip, long? remaining)
        {
            _source = source;
            _skip = skip;
            _remaining = remaining;
        }

        public void Detach() => _source = null;

#if NET8_0_OR_GREATER
        // Thousands of reads per GiB complete asynchronously: pooled state machines keep them from allocating.
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
#endif
        protected override async ReadResult ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            if (_source == null || buffer.Length == 0)
            {
                return 0;
            }

            while (true)
            {
                if (_remaining.HasValue && _remaining.Value <= 0)
                {
                    return 0;
                }

                int want = buffer.Length;
                if (_skip > 0)
                {
                    want = (int)Math.Min(want, _skip);
                }
                else if (_remaining.HasValue)
                {
                    want = (int)Math.Min(want, _remaining.Value);
                }

                int n = await StreamReads.ReadAsync(_source, buffer.Slice(0, want), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    return 0;
                }

                if (_skip > 0)
                {
                    _skip -= n;
                    continue;
                }

                if (_remaining.HasValue)
                {
                    _remaining -= n;
                }

                Hasher?.Append(buffer.Span.Slice(0, n));
                BytesRead += n;
                OnBytes?.Invoke(BytesRead);
                return n;
            }
        }
    }
}
