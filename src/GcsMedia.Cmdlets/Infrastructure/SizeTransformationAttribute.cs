using System;
using System.Globalization;
using System.Management.Automation;
using System.Text.RegularExpressions;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// Lets a byte-count parameter take 16MB (PowerShell's numeric literal, already a number), "16MB", "256KB",
    /// "1GB", "16MiB", "1024" or a plain number. Multipliers are binary (1KB = 1024), as in PowerShell.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class SizeTransformationAttribute : ArgumentTransformationAttribute
    {
        private static readonly Regex SizePattern = new Regex(
            @"^\s*(?<n>\d+(\.\d+)?)\s*(?<u>(K|M|G|T|P)?(I?B)?)\s*$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject ps ? ps.BaseObject : inputData;
            switch (value)
            {
                case null:
                    return null!;
                case long l:
                    return l;
                case int i:
                    return (long)i;
                case uint ui:
                    return (long)ui;
                case short s:
                    return (long)s;
                case byte b:
                    return (long)b;
                case ulong ul when ul <= long.MaxValue:
                    return (long)ul;
                case decimal m when m == Math.Truncate(m):
                    return (long)m;
                case double d when d == Math.Floor(d) && d <= long.MaxValue:
                    return (long)d;
                case string text:
                    return Parse(text);
                default:
                    throw new ArgumentTransformationMetadataException(
                        $"'{value}' is not a size. Write a number of bytes, or a value such as 16MB, \"256KB\" or \"1GB\".");
            }
        }

        public static long Parse(string text)
        {
            Match match = SizePattern.Match(text);
            if (!match.Success)
            {
                throw new ArgumentTransformationMetadataException(
                    $"'{text}' is not a size. Write a number of bytes, or a value such as 16MB, \"256KB\" or \"1GB\".");
            }

            decimal number = decimal.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
            string unit = match.Groups["u"].Value.ToUpperInvariant();
            decimal multiplier = unit.Length == 0 || unit == "B" ? 1 : unit[0] switch
            {
                'K' => 1024m,
                'M' => 1024m * 1024,
                'G' => 1024m * 1024 * 1024,
                'T' => 1024m * 1024 * 1024 * 1024,
                'P' => 1024m * 1024 * 1024 * 1024 * 1024,
                _ => throw new ArgumentTransformationMetadataException($"'{text}' has an unknown unit."),
            };
            decimal bytes = number * multiplier;
            if (bytes != Math.Truncate(bytes) || bytes > long.MaxValue)
            {
                throw new ArgumentTransformationMetadataException($"'{text}' is not a whole number of bytes.");
            }

            return (long)bytes;
        }
    }
}
