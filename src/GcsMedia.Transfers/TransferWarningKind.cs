namespace GcsMedia.Transfers
{
    public enum TransferWarningKind
    {
        General,

        /// <summary>A failed or cancelled multipart upload could not be aborted: its parts stay stored.</summary>
        MultipartAbortFailed,

        /// <summary>The upload committed, but the object's metadata could not be read back (for example 403).</summary>
        ObjectMetadataUnavailable,
    }
}
