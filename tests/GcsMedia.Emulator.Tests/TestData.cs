using System.Net;
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
