using System.Management.Automation;
using GcsMedia.Transfers;

namespace GcsMedia.Cmdlets
{
    /// <summary>What a folder transfer writes: one object or one non-terminating error per file, and a summary.</summary>
    internal static class FolderResults
    {
        public static void WriteUpload(AsyncPipeline pipeline, FolderItemResult result, bool force)
        {
            if (result.Error != null)
            {
                pipeline.WriteError(GcsErrors.FromException(result.Error, result.ObjectUri, preconditionMeansExists: !force));
            }
            else if (result.Upload != null)
            {
                UploadResult upload = result.Upload;
                pipeline.WriteObject(GcsObject.From(upload.Resource, upload.Target, upload.SourcePath, upload.UploadType));
            }
        }

        public static void WriteDownload(AsyncPipeline pipeline, FolderItemResult result)
        {
            if (result.Error != null)
            {
                pipeline.WriteError(GcsErrors.FromException(result.Error, result.ObjectUri));
            }
            else if (result.Download != null)
            {
                pipeline.WriteObject(GcsDownloadResult.From(result.Download));
            }
        }

        /// <summary>The totals with -Verbose; a warning when files failed, saying that a rerun continues.</summary>
        public static void WriteSummary(Cmdlet cmdlet, FolderSummary? summary, string rerun)
        {
            if (summary == null)
            {
                return;
            }

            cmdlet.WriteVerbose(summary.ToString());
            if (summary.Failed > 0)
            {
                cmdlet.WriteWarning($"{summary.Failed} of {summary.Files} file(s) failed (see the errors); {summary.Transferred} transferred, {summary.Skipped} skipped. " +
                    $"Run {rerun} to continue: files that already arrived intact are skipped, interrupted ones continue.");
            }
        }
    }
}
