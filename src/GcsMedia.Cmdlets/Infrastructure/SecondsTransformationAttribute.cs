using System;
using System.Globalization;
using System.Management.Automation;

namespace GcsMedia.Cmdlets
{
    /// <summary>
    /// Lets a TimeSpan parameter take a number of seconds (3, 2.5, '90') as well as a TimeSpan or a TimeSpan string
    /// ('00:02:00'); without it PowerShell would read a bare number as ticks.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class SecondsTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject ps ? ps.BaseObject : inputData;
            switch (value)
            {
                case null:
                    return null!;
                case TimeSpan span:
                    return span;
                case string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed):
                    return FromSeconds(parsed);
                case string text when TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out TimeSpan parsedSpan):
                    return parsedSpan;
                case string text:
                    throw new ArgumentTransformationMetadataException($"'{text}' is neither a number of seconds nor a TimeSpan such as 00:02:00.");
                case IConvertible number when !(number is bool) && !(number is char):
                    return FromSeconds(number.ToDouble(CultureInfo.InvariantCulture));
                default:
                    throw new ArgumentTransformationMetadataException("Give a number of seconds or a TimeSpan.");
            }
        }

        private static TimeSpan FromSeconds(double seconds)
        {
            if (double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
            {
                throw new ArgumentTransformationMetadataException("The number of seconds is out of range.");
            }

            return TimeSpan.FromSeconds(seconds);
        }
    }
}
