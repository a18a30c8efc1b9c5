using System;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// An option refused before any request: out of range, or given with another option it does not go with.
    /// ParamName is the option at fault; <see cref="Value"/> is what it was given (null when the problem is the
    /// combination rather than the value).
    /// </summary>
    public sealed class InvalidOptionException : ArgumentException
    {
        public InvalidOptionException(string message, string option, object? value = null)
            : base(message, option)
        {
            Value = value;
        }

        public object? Value { get; }

        /// <summary>Runs a check of <see cref="TransferLimits"/>, turning its ArgumentException into one carrying <paramref name="value"/>.</summary>
        internal static void Check(Action check, object? value)
        {
            try
            {
                check();
            }
            catch (ArgumentException ex) when (!(ex is InvalidOptionException))
            {
                throw new InvalidOptionException(PlainMessage(ex), ex.ParamName ?? "Argument", value);
            }
        }

        /// <summary>An argument exception's own text, without .NET's "(Parameter 'x')", "Actual value was" and "Parameter name:" additions.</summary>
        public static string PlainMessage(ArgumentException exception)
        {
            string message = exception.Message;
            foreach (string addition in new[] { " (Parameter '", Environment.NewLine + "Actual value was", Environment.NewLine + "Parameter name:" })
            {
                int at = message.IndexOf(addition, StringComparison.Ordinal);
                if (at >= 0)
                {
                    message = message.Substring(0, at);
                }
            }

            return message.Trim();
        }
    }
}
