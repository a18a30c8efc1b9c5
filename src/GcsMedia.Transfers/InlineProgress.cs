using System;

namespace GcsMedia.Transfers
{
    /// <summary>IProgress that calls back synchronously (Progress&lt;T&gt; would post to a synchronization context).</summary>
    internal sealed class InlineProgress : IProgress<long>
    {
        private readonly Action<long> _report;

        public InlineProgress(Action<long> report)
        {
            _report = report;
        }

        public void Report(long value) => _report(value);
    }
}
