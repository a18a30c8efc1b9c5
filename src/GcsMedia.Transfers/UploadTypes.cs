namespace GcsMedia.Transfers
{
    /// <summary>The names of <see cref="UploadResult.UploadType"/>.</summary>
    public static class UploadTypes
    {
        public const string Simple = "Simple";
        public const string Multipart = "Multipart";
        public const string Resumable = "Resumable";
        public const string XmlMpu = "XmlMpu";
    }
}
