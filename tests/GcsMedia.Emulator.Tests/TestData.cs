using System.Net;
using System.Security.Cryptography;
using System.Text.Json;

namespace GcsMedia.Emulator.Tests;

internal static class TestData
{
    public static byte[] Random(int size)
    {
        var data = new byte[size];
        System.Random.Shared.NextBytes(data);
        return data;
    }

    public static string Md5(byte[] data) => Convert.ToBase64String(MD5.HashData(data));

    public static string Crc32c(byte[] data)
    {
        // Independent bitwise CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) for cross-checking the server.
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        crc ^= 0xFFFFFFFF;
        return Convert.ToBase64String([(byte)(crc >> 24), (byte)(crc >> 16), (byte)(crc >> 8), (byte)crc]);
    }

    public static string Header(HttpResponseMessage resp, string name) =>
        resp.Headers.TryGetValues(name, out var v) ? string.Join(",", v)
        : resp.Content.Headers.TryGetValues(name, out var c) ? string.Join(",", c) : "";

    public static async Task<JsonElement> ErrorAsync(HttpResponseMessage resp, HttpStatusCode expected)
    {
        var text = await resp.Content.ReadAsStringAsync();
        Assert.True(expected == resp.StatusCode, $"expected {(int)expected}, got {(int)resp.StatusCode}: {text}");
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal((int)expected, error.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        var first = error.GetProperty("errors")[0];
        Assert.Equal("global", first.GetProperty("domain").GetString());
        return error;
    }

    public static async Task<string> XmlErrorCodeAsync(HttpResponseMessage resp, HttpStatusCode expected)
    {
        var text = await resp.Content.ReadAsStringAsync();
        Assert.True(expected == resp.StatusCode, $"expected {(int)expected}, got {(int)resp.StatusCode}: {text}");
        var doc = System.Xml.Linq.XDocument.Parse(text);
        Assert.Equal("Error", doc.Root!.Name.LocalName);
        Assert.False(string.IsNullOrEmpty(doc.Root.Element("Message")?.Value));
        return doc.Root.Element("Code")!.Value;
    }
}
