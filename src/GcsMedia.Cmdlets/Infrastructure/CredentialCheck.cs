using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Transfers;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// Finds a command's credentials before its first transfer. Never a silent wait: the one step that can take seconds
    /// (probing for a Google Cloud metadata server) shows a progress activity while it runs and a -Verbose line.
    /// </summary>
    internal static class CredentialCheck
    {
        public const string Activity = "Looking for Google Cloud credentials";

        /// <summary>Below the ids of the transfer layer's activities (from 1001), so it never collides with a transfer's.</summary>
        private const int ActivityId = 999;

        /// <summary>Throws <see cref="GcsMedia.Protocol.CredentialsNotFoundException"/> when there are none.</summary>
        public static async Task EnsureAsync(GcsConnection connection, AsyncPipeline pipeline, CancellationToken cancellationToken)
        {
            var observer = new PipelineObserver(pipeline);
            bool shown = false;
            try
            {
                await connection.Transport.EnsureCredentialsAsync(
                    status =>
                    {
                        shown = true;
                        observer.Note($"{Activity}: {status}.");
                        observer.Progress(new ProgressUpdate { ActivityId = ActivityId, Activity = Activity, Status = status });
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (shown)
                {
                    observer.Progress(new ProgressUpdate { ActivityId = ActivityId, Activity = Activity, Status = "done", Completed = true });
                }
            }
        }
    }
}
