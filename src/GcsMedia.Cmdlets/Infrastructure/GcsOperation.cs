namespace GcsMedia.Cmdlets
{
    /// <summary>What a failed command was doing, so that an error's advice fits it (no session advice on a download).</summary>
    internal enum GcsOperation
    {
        Other,
        Download,
        Upload,
        ResumableUpload,
        MultipartUpload,
    }
}
