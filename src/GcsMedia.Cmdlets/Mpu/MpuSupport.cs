using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text;
using GcsMedia.Protocol;
using GcsMedia.Transfers;

namespace GcsMedia.Cmdlets
{
    /// <summary>A part reference read from any object with PartNumber and ETag (MpuPart, deserialized, JSON, hashtable).</summary>
    internal sealed class MpuPartRef
    {
        public MpuPartRef(int partNumber, string etag, string? bucket, string? objectName, string? uploadId, long? size = null)
        {
            PartNumber = partNumber;
            ETag = etag;
            Bucket = bucket;
            ObjectName = objectName;
            UploadId = uploadId;
            Size = size;
        }

        /// <summary>Bytes in the part, when the part object says.</summary>
        public long? Size { get; }

        public int PartNumber { get; }

        public string ETag { get; }

        public string? Bucket { get; }

        public string? ObjectName { get; }

        public string? UploadId { get; }
    }

    /// <summary>Parameter checks and small helpers shared by the MPU cmdlets (no protocol logic).</summary>
    internal static class MpuSupport
    {
        public const string XmlMpuUploadType = "XmlMpu";

        /// <summary>-Uri or -Bucket/-ObjectName (both given is an error). Throws ArgumentException naming the parameter.</summary>
        public static GcsObjectRef ResolveTarget(string? uri, string? bucket, string? objectName)
        {
            if (!string.IsNullOrEmpty(uri) && !string.IsNullOrEmpty(bucket))
            {
                throw new ArgumentException(
                    $"Give either -Uri ('{uri}') or -Bucket ('{bucket}') with -ObjectName, not both (an upload object on the pipeline supplies -Bucket and -ObjectName).",
                    "Uri");
            }

            return ObjectAddress.Resolve(uri, bucket, objectName);
        }

        public static void RequireUploadId(string? uploadId)
        {
            if (string.IsNullOrWhiteSpace(uploadId))
            {
                throw new ArgumentException(
                    "-UploadId is empty. Give the UploadId that New-GcsMpu returned, or pipe the upload object (New-GcsMpu, Get-GcsMpu, Import-Clixml).",
                    "UploadId");
            }
        }

        public static void ValidatePartNumber(int partNumber)
        {
            if (partNumber < 1 || partNumber > XmlMpuPlan.MaxParts)
            {
                throw new ArgumentException(
                    $"-PartNumber {partNumber} is outside the range GCS allows: part numbers go from 1 to {XmlMpuPlan.MaxParts}. Number the parts 1, 2, 3, … in file order.",
                    "PartNumber");
            }
        }

        /// <summary>An argument exception's text without .NET's "(Parameter 'x')" and "Actual value was" suffixes.</summary>
        public static string Clean(ArgumentException exception) => InvalidOptionException.PlainMessage(exception);

        /// <summary>Reads PartNumber and ETag (and, when present, Bucket/ObjectName/UploadId) from a part object.</summary>
        public static MpuPartRef ReadPart(object? input)
        {
            object? value = input is PSObject ps ? ps.BaseObject : input;
            if (value == null)
            {
                throw new ArgumentException("-Part contains $null. Give part objects from Add-GcsMpuPart (PartNumber and ETag).", "Part");
            }

            if (value is MpuPart part)
            {
                return new MpuPartRef(part.PartNumber, part.ETag, part.Bucket, part.ObjectName, part.UploadId, part.Size);
            }

            Func<string, object?> get;
            if (value is IDictionary dictionary)
            {
                get = name =>
                {
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        if (string.Equals(Convert.ToString(entry.Key, CultureInfo.InvariantCulture), name, StringComparison.OrdinalIgnoreCase))
                        {
                            return entry.Value is PSObject inner ? inner.BaseObject : entry.Value;
                        }
                    }

                    return null;
                };
            }
            else
            {
                PSObject wrapped = PSObject.AsPSObject(input!);
                get = name =>
                {
                    object? v = wrapped.Properties[name]?.Value;
                    return v is PSObject inner ? inner.BaseObject : v;
                };
            }

            object? number = get("PartNumber");
            string? etag = Convert.ToString(get("ETag"), CultureInfo.InvariantCulture);
            int partNumber;
            try
            {
                partNumber = number == null ? 0 : Convert.ToInt32(number, CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is FormatException || ex is InvalidCastException || ex is OverflowException)
            {
                throw new ArgumentException($"-Part has an object whose PartNumber '{number}' is not a number.", "Part");
            }

            if (number == null || string.IsNullOrEmpty(etag))
            {
                throw new ArgumentException(
                    "-Part has an object without PartNumber and ETag. Give the part objects Add-GcsMpuPart output (or objects with those two properties).",
                    "Part");
            }

            object? size = get("Size");
            long? sizeValue = null;
            try
            {
                sizeValue = size == null ? (long?)null : Convert.ToInt64(size, CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is FormatException || ex is InvalidCastException || ex is OverflowException)
            {
                // The size only fills in the output when the object's metadata cannot be read; a part without one is fine.
            }

            return new MpuPartRef(
                partNumber,
                etag!,
                Convert.ToString(get("Bucket"), CultureInfo.InvariantCulture),
                Convert.ToString(get("ObjectName"), CultureInfo.InvariantCulture),
                Convert.ToString(get("UploadId"), CultureInfo.InvariantCulture),
                sizeValue);
        }

        /// <summary>"2, 5-7" for the numbers missing from 1..max.</summary>
        public static string DescribeGaps(IReadOnlyCollection<int> sortedNumbers)
        {
            var present = new HashSet<int>(sortedNumbers);
            int max = sortedNumbers.Count == 0 ? 0 : sortedNumbers.Max();
            var ranges = new List<string>();
            int n = 1;
            while (n <= max)
            {
                if (present.Contains(n))
                {
                    n++;
                    continue;
                }

                int start = n;
                while (n <= max && !present.Contains(n))
                {
                    n++;
                }

                ranges.Add(start == n - 1 ? start.ToString(CultureInfo.InvariantCulture) : $"{start}-{n - 1}");
            }

            return string.Join(", ", ranges);
        }

        /// <summary>Validates -Metadata keys (they become x-goog-meta-* header names) and converts values to strings.</summary>
        public static Dictionary<string, string> ConvertMetadata(IDictionary? metadata)
        {
            var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (metadata == null)
            {
                return result;
            }

            foreach (DictionaryEntry entry in metadata)
            {
                string key = Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty;
                if (key.Length == 0 || key.Any(c => c <= ' ' || c >= 127 || c == ':' || c == '(' || c == ')' || c == ',' || c == '"' || c == '/' || c == '\\'))
                {
                    throw new ArgumentException(
                        $"-Metadata key '{key}' cannot be used: it becomes the header name x-goog-meta-{key}, so use letters, digits, '-' and '_' only.",
                        "Metadata");
                }

                object? value = entry.Value is PSObject ps ? ps.BaseObject : entry.Value;
                if (value is IEnumerable && !(value is string))
                {
                    // A hashtable or array would be sent as its type name ("System.Collections.Hashtable").
                    throw new ArgumentException(
                        $"-Metadata value for '{key}' is a {value.GetType().Name}; metadata values are single strings (or numbers, dates, …). Join or serialize it first, e.g. ($value -join ',') or (ConvertTo-Json $value -Compress).",
                        "Metadata");
                }

                string text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
                if (text.Any(c => c == '\r' || c == '\n'))
                {
                    throw new ArgumentException($"-Metadata value for '{key}' contains a line break, which a header value cannot carry.", "Metadata");
                }

                result[key] = text;
            }

            return result;
        }
    }
}
