using System;

namespace GcsMedia
{
    /// <summary>
    /// An XML API multipart upload, as New-GcsMpu and Get-GcsMpu output it. Its properties bind by property name
    /// into Add-GcsMpuPart, Complete-GcsMpu and Stop-GcsMpu; only plain types are used, so the object survives
    /// Export-Clixml/Import-Clixml and ConvertTo-Json/ConvertFrom-Json and still binds (parts can be uploaded
    /// from other machines). It carries no credentials.
    /// </summary>
    public sealed class MpuUpload
    {
        public string Bucket { get; set; } = string.Empty;

        public string ObjectName { get; set; } = string.Empty;

        /// <summary>The upload id GCS returned on initiate.</summary>
        public string UploadId { get; set; } = string.Empty;

        /// <summary>gs://bucket/object.</summary>
        public string Uri => $"gs://{Bucket}/{ObjectName}";

        /// <summary>
        /// The content type given on initiate. Null for uploads from Get-GcsMpu: the XML API's ListMultipartUploads
        /// does not report it.
        /// </summary>
        public string? ContentType { get; set; }

        /// <summary>The storage endpoint the upload lives on, e.g. https://storage.googleapis.com.</summary>
        public string? Endpoint { get; set; }

        /// <summary>When the upload was initiated (UTC).</summary>
        public DateTime? Initiated { get; set; }

        public override string ToString() => Uri;
    }
}
