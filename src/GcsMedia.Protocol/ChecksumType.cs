namespace GcsMedia.Protocol
{
    /// <summary>Which checksum a transfer computes and validates. Crc32c is the default everywhere.</summary>
    public enum ChecksumType
    {
        None,
        Crc32c,
        Md5,
    }
}
