using System;

namespace GcsMedia.Protocol
{
    /// <summary>An incremental checksum over transferred bytes, formatted as GCS writes it (base64).</summary>
    public abstract class MediaHasher : IDisposable
    {
        public abstract ChecksumType Type { get; }

        public abstract void Append(ReadOnlySpan<byte> data);

        public void Append(byte[] data, int offset, int count) => Append(new ReadOnlySpan<byte>(data, offset, count));

        /// <summary>The checksum of everything appended so far, base64 as in x-goog-hash and object metadata.</summary>
        public abstract string GetBase64();

        /// <summary>Returns null for <see cref="ChecksumType.None"/>.</summary>
        public static MediaHasher? Create(ChecksumType type) => type switch
        {
            ChecksumType.None => null,
            ChecksumType.Crc32c => new Crc32cHasher(),
            ChecksumType.Md5 => new Md5Hasher(),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "checksum must be Crc32c, Md5 or None"),
        };

        /// <summary>The name GCS uses for this checksum in x-goog-hash ("crc32c", "md5").</summary>
        public static string HeaderName(ChecksumType type) => type switch
        {
            ChecksumType.Crc32c => "crc32c",
            ChecksumType.Md5 => "md5",
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no header name for this checksum"),
        };

        /// <summary>The key GCS uses for this checksum in object metadata ("crc32c", "md5Hash").</summary>
        public static string MetadataKey(ChecksumType type) => type switch
        {
            ChecksumType.Crc32c => "crc32c",
            ChecksumType.Md5 => "md5Hash",
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no metadata key for this checksum"),
        };

        public virtual void Dispose()
        {
        }
    }
}
