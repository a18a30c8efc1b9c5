using System;

namespace GcsMedia.Protocol
{
    /// <summary>The bytes transferred do not match the checksum the other side reported. Never retried.</summary>
    public class DataCorruptionException : Exception
    {
        public DataCorruptionException(
            string message,
            ChecksumType checksumType,
            string? expected,
            string? actual,
            long bytesTransferred,
            string? objectName = null)
            : base(message)
        {
            ChecksumType = checksumType;
            Expected = expected;
            Actual = actual;
            BytesTransferred = bytesTransferred;
            ObjectName = objectName;
        }

        public ChecksumType ChecksumType { get; }

        /// <summary>What the server reported (base64).</summary>
        public string? Expected { get; }

        /// <summary>What we computed over the bytes (base64).</summary>
        public string? Actual { get; }

        public long BytesTransferred { get; }

        public string? ObjectName { get; }

        public static DataCorruptionException ForDownload(ChecksumType type, string expected, string actual, long bytesRead, string? objectName)
            => new DataCorruptionException(
                $"Checksum mismatch while downloading {objectName ?? "the object"}: the server reported {MediaHasher.HeaderName(type)} {expected}, " +
                $"the received bytes hash to {actual}. The download read {bytesRead} bytes of data; do not use them. Download the object again.",
                type, expected, actual, bytesRead, objectName);

        public static DataCorruptionException ForUpload(ChecksumType type, string expected, string actual, long bytesSent, string? objectName)
            => new DataCorruptionException(
                $"Checksum mismatch while uploading {objectName ?? "the object"}: the computed {MediaHasher.HeaderName(type)} {actual} " +
                $"does not match {expected} reported by the server after {bytesSent} bytes. Upload the file again.",
                type, expected, actual, bytesSent, objectName);
    }
}
