namespace GcsMedia.Transfers
{
    /// <summary>A warning from a transfer; <see cref="Kind"/> lets a host add advice in its own terms.</summary>
    public sealed class TransferWarning
    {
        public TransferWarning(TransferWarningKind kind, string message, string? target = null)
        {
            Kind = kind;
            Message = message;
            Target = target;
        }

        public TransferWarningKind Kind { get; }

        public string Message { get; }

        /// <summary>The gs:// URI (or local path) the warning is about, when there is one.</summary>
        public string? Target { get; }

        public override string ToString() => Message;
    }
}
