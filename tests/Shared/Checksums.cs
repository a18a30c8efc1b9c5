using System.Security.Cryptography;

namespace GcsMedia.Tests.Shared;

/// <summary>
/// Expected checksums, computed here independently of the emulator, GcsMedia.Protocol and the official client.
/// Linked into the emulator and official-client test projects.
/// </summary>
internal static class Checksums
{
    public static string Md5(byte[] data) => Convert.ToBase64String(MD5.HashData(data));

    /// <summary>Bitwise CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), big-endian base64 as GCS writes it.</summary>
    public static string Crc32c(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        crc ^= 0xFFFFFFFF;
        return Convert.ToBase64String([(byte)(crc >> 24), (byte)(crc >> 16), (byte)(crc >> 8), (byte)crc]);
    }
}
