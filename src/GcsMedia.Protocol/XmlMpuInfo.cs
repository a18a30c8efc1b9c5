using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Xml.Linq;

namespace GcsMedia.Protocol
{
    /// <summary>One part of an unfinished MPU, as ListParts reports it.</summary>
    public sealed class XmlMpuPartInfo
    {
        public XmlMpuPartInfo(int partNumber, string etag, long? size, DateTimeOffset? lastModified)
        {
            PartNumber = partNumber;
            ETag = etag;
            Size = size;
            LastModified = lastModified;
        }

        public int PartNumber { get; }

        /// <summary>As the server wrote it, quotes included.</summary>
        public string ETag { get; }

        public long? Size { get; }

        public DateTimeOffset? LastModified { get; }

        public override string ToString() => $"part {PartNumber} ({Size?.ToString(CultureInfo.InvariantCulture) ?? "?"} bytes)";
    }

    /// <summary>One unfinished MPU in a bucket, as ListMultipartUploads reports it.</summary>
    public sealed class XmlMpuUploadInfo
    {
        public XmlMpuUploadInfo(string bucket, string key, string uploadId, DateTimeOffset? initiated)
        {
            Bucket = bucket;
            Key = key;
            UploadId = uploadId;
            Initiated = initiated;
        }

        public string Bucket { get; }

        /// <summary>The object name.</summary>
        public string Key { get; }

        public string UploadId { get; }

        public DateTimeOffset? Initiated { get; }

        public string ObjectName => $"gs://{Bucket}/{Key}";

        public override string ToString() => ObjectName;
    }

    /// <summary>Namespace-agnostic reading of the S3-style XML the MPU API answers with.</summary>
    internal static class XmlMpuXml
    {
        public const string S3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

        public static XElement? TryParse(string body)
        {
            if (string.IsNullOrWhiteSpace(body))
            {
                return null;
            }

            try
            {
                // Leading whitespace before the declaration (a server keeping a slow Complete alive) is not well-formed XML.
                return XDocument.Parse(body.TrimStart()).Root;
            }
            catch (System.Xml.XmlException)
            {
                return null;
            }
        }

        public static IEnumerable<XElement> Children(XElement parent, string localName)
            => parent.Elements().Where(e => e.Name.LocalName == localName);

        public static string? Child(XElement parent, string localName)
            => Children(parent, localName).FirstOrDefault()?.Value;

        public static long? Long(XElement parent, string localName)
            => long.TryParse(Child(parent, localName), NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) ? n : (long?)null;

        public static DateTimeOffset? Time(XElement parent, string localName)
            => DateTimeOffset.TryParse(Child(parent, localName), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset t)
                ? t
                : (DateTimeOffset?)null;

        public static bool IsTruncated(XElement root)
            => string.Equals(Child(root, "IsTruncated"), "true", StringComparison.OrdinalIgnoreCase);
    }
}
