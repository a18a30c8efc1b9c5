using GcsMedia.Protocol;
using GcsMedia.Transfers;
using System.Management.Automation;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// An observer for layer calls made on the pipeline thread itself (planning a folder walk): notes and warnings are
    /// written at once. Transfers run through <see cref="PipelineObserver"/> instead.
    /// </summary>
    internal sealed class ImmediateObserver : ITransferObserver
    {
        private readonly Cmdlet _cmdlet;

        public ImmediateObserver(Cmdlet cmdlet)
        {
            _cmdlet = cmdlet;
        }

        public void Progress(ProgressUpdate update)
        {
        }

        public void Retrying(RetryEvent retry, string? what)
        {
        }

        public void Note(string message) => _cmdlet.WriteVerbose(GcsErrors.Redact(message));

        public void Warning(TransferWarning warning) => _cmdlet.WriteWarning(GcsErrors.Redact(warning.Message));
    }
}
