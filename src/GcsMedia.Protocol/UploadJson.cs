using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Newtonsoft.Json.Linq;

namespace GcsMedia.Protocol
{
    /// <summary>
    /// Writes JSON exactly as Python's default <c>json.dumps</c> does (separators ", " and ": ", ensure_ascii:
    /// every non-ASCII character as a lower-case \uXXXX escape, surrogate pairs as two escapes), so request
    /// bodies match the google-resumable-media vectors byte for byte. Keys keep their insertion order.
    /// </summary>
    public static class UploadJson
    {
        public static string Serialize(object? value)
        {
            var builder = new StringBuilder();
            Write(builder, value);
            return builder.ToString();
        }

        public static byte[] SerializeToUtf8(object? value) => Encoding.UTF8.GetBytes(Serialize(value));

        private static void Write(StringBuilder builder, object? value)
        {
            switch (value)
            {
                case null:
                    builder.Append("null");
                    break;
                case JToken token:
                    WriteToken(builder, token);
                    break;
                case string text:
                    WriteString(builder, text);
                    break;
                case bool flag:
                    builder.Append(flag ? "true" : "false");
                    break;
                case char c:
                    WriteString(builder, c.ToString());
                    break;
                case byte or sbyte or short or ushort or int or uint or long or ulong:
                    builder.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                    break;
                case decimal number:
                    builder.Append(number.ToString(CultureInfo.InvariantCulture));
                    break;
                case float single:
                    WriteDouble(builder, single);
                    break;
                case double number:
                    WriteDouble(builder, number);
                    break;
                case DateTime time:
                    WriteString(builder, time.ToString("o", CultureInfo.InvariantCulture));
                    break;
                case DateTimeOffset time:
                    WriteString(builder, time.ToString("o", CultureInfo.InvariantCulture));
                    break;
                case IDictionary dictionary:
                    builder.Append('{');
                    bool first = true;
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        if (!first)
                        {
                            builder.Append(", ");
                        }

                        first = false;
                        WriteString(builder, Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                        builder.Append(": ");
                        Write(builder, entry.Value);
                    }

                    builder.Append('}');
                    break;
                case IEnumerable<KeyValuePair<string, object?>> pairs:
                    WritePairs(builder, pairs);
                    break;
                case IEnumerable<KeyValuePair<string, string>> stringPairs:
                    var converted = new List<KeyValuePair<string, object?>>();
                    foreach (KeyValuePair<string, string> pair in stringPairs)
                    {
                        converted.Add(new KeyValuePair<string, object?>(pair.Key, pair.Value));
                    }

                    WritePairs(builder, converted);
                    break;
                case IEnumerable list:
                    builder.Append('[');
                    bool firstItem = true;
                    foreach (object? item in list)
                    {
                        if (!firstItem)
                        {
                            builder.Append(", ");
                        }

                        firstItem = false;
                        Write(builder, item);
                    }

                    builder.Append(']');
                    break;
                default:
                    WriteString(builder, Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty);
                    break;
            }
        }

        private static void WritePairs(StringBuilder builder, IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            builder.Append('{');
            bool first = true;
            foreach (KeyValuePair<string, object?> pair in pairs)
            {
                if (!first)
                {
                    builder.Append(", ");
                }

                first = false;
                WriteString(builder, pair.Key);
                builder.Append(": ");
                Write(builder, pair.Value);
            }

            builder.Append('}');
        }

        private static void WriteToken(StringBuilder builder, JToken token)
        {
            switch (token.Type)
            {
                case JTokenType.Object:
                    builder.Append('{');
                    bool first = true;
                    foreach (JProperty property in ((JObject)token).Properties())
                    {
                        if (!first)
                        {
                            builder.Append(", ");
                        }

                        first = false;
                        WriteString(builder, property.Name);
                        builder.Append(": ");
                        WriteToken(builder, property.Value);
                    }

                    builder.Append('}');
                    break;
                case JTokenType.Array:
                    builder.Append('[');
                    bool firstItem = true;
                    foreach (JToken item in (JArray)token)
                    {
                        if (!firstItem)
                        {
                            builder.Append(", ");
                        }

                        firstItem = false;
                        WriteToken(builder, item);
                    }

                    builder.Append(']');
                    break;
                case JTokenType.Null:
                case JTokenType.Undefined:
                    builder.Append("null");
                    break;
                default:
                    Write(builder, ((JValue)token).Value);
                    break;
            }
        }

        private static void WriteDouble(StringBuilder builder, double number)
        {
            if (double.IsNaN(number))
            {
                builder.Append("NaN");
            }
            else if (double.IsPositiveInfinity(number))
            {
                builder.Append("Infinity");
            }
            else if (double.IsNegativeInfinity(number))
            {
                builder.Append("-Infinity");
            }
            else
            {
                string text = number.ToString("R", CultureInfo.InvariantCulture);
                if (text.IndexOf('.') < 0 && text.IndexOf('E') < 0)
                {
                    text += ".0";
                }

                builder.Append(text.Replace("E", "e"));
            }
        }

        private static void WriteString(StringBuilder builder, string text)
        {
            builder.Append('"');
            foreach (char c in text)
            {
                switch (c)
                {
                    case '"':
                        builder.Append("\\\"");
                        break;
                    case '\\':
                        builder.Append("\\\\");
                        break;
                    case '\n':
                        builder.Append("\\n");
                        break;
                    case '\r':
                        builder.Append("\\r");
                        break;
                    case '\t':
                        builder.Append("\\t");
                        break;
                    case '\b':
                        builder.Append("\\b");
                        break;
                    case '\f':
                        builder.Append("\\f");
                        break;
                    default:
                        if (c < 0x20 || c > 0x7E)
                        {
                            builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            builder.Append(c);
                        }

                        break;
                }
            }

            builder.Append('"');
        }
    }
}
