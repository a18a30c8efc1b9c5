using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>A resumable session no longer exists (expired after a week, or cancelled); its saved state was forgotten.</summary>
    public sealed class UploadSessionExpiredException : InvalidResponseException
    {
        public UploadSessionExpiredException(string objectUri, int? statusCode)
            : base(
                $"The resumable session for {objectUri} no longer exists (it expires after a week, or was cancelled). Its saved state was removed; the upload must start again.",
                statusCode,
                objectName: objectUri)
        {
        }
    }
}
