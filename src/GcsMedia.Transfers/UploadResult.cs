using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>What an upload produced.</summary>
    public sealed class UploadResult
    {
        public UploadResult(GcsObjectRef target, ObjectResource resource, string uploadType, string? sourcePath)
        {
            Target = target;
            Resource = resource;
            UploadType = uploadType;
            SourcePath = sourcePath;
        }

        public GcsObjectRef Target { get; }

        /// <summary>The object as the server reported it (or, when it could not be read back, what is known of it).</summary>
        public ObjectResource Resource { get; }

        /// <summary>Simple, Multipart, Resumable or XmlMpu.</summary>
        public string UploadType { get; }

        /// <summary>The local file, when there was one.</summary>
        public string? SourcePath { get; }
    }
}
