using System.Collections.Concurrent;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers.Tests;

/// <summary>Keeps everything a transfer reports; optionally reacts to progress (to cancel mid-transfer).</summary>
public sealed class RecordingObserver : ITransferObserver
{
    public ConcurrentQueue<ProgressUpdate> Updates { get; } = new();

    public ConcurrentQueue<string> Notes { get; } = new();

    public ConcurrentQueue<TransferWarning> Warnings { get; } = new();

    public ConcurrentQueue<(RetryEvent Retry, string? What)> Retries { get; } = new();

    public Action<ProgressUpdate>? OnProgress { get; set; }

    public void Progress(ProgressUpdate update)
    {
        Updates.Enqueue(update);
        OnProgress?.Invoke(update);
    }

    public void Retrying(RetryEvent retry, string? what) => Retries.Enqueue((retry, what));

    public void Note(string message) => Notes.Enqueue(message);

    public void Warning(TransferWarning warning) => Warnings.Enqueue(warning);
}
