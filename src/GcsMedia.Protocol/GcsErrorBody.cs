using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using System.Text.RegularExpressions;

namespace GcsMedia.Protocol
{
    /// <summary>Best-effort reading of an error body: JSON API `{"error":{"message"}}` or XML API `<Error><Message>`.</summary>
    public static class GcsErrorBody
    {
        private static readonly Regex XmlMessage = new Regex("<Message>(.*?)</Message>", RegexOptions.Singleline | RegexOptions.CultureInvariant);
        private static readonly Regex XmlCode = new Regex("<Code>(.*?)</Code>", RegexOptions.Singleline | RegexOptions.CultureInvariant);

        public static string? TryGetMessage(string? body)
        {
            if (string.IsNullOrWhiteSpace(body))
            {
                return null;
            }

            string trimmed = body!.TrimStart();
            if (trimmed.StartsWith("{"))
            {
                try
                {
                    JToken? message = JObject.Parse(trimmed)["error"] switch
                    {
                        JObject error => error["message"],
                        JValue text => text,
                        _ => null,
                    };
                    if (message != null && message.Type == JTokenType.String)
                    {
                        return (string?)message;
                    }
                }
                catch (JsonException)
                {
                }
            }

            Match xml = XmlMessage.Match(trimmed);
            if (xml.Success)
            {
                return xml.Groups[1].Value;
            }

            return trimmed.Length > 200 ? trimmed.Substring(0, 200) : trimmed;
        }

        /// <summary>The XML API's error code (e.g. "BadDigest", "NoSuchUpload"), or null.</summary>
        public static string? TryGetXmlCode(string? body)
        {
            if (string.IsNullOrEmpty(body))
            {
                return null;
            }

            Match code = XmlCode.Match(body);
            return code.Success ? code.Groups[1].Value : null;
        }
    }
}
