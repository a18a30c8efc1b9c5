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
                string suffix = $" (Parameter '{ex.ParamName}')";
                string message = ex.Message.EndsWith(suffix, StringComparison.Ordinal) ? ex.Message.Substring(0, ex.Message.Length - suffix.Length) : ex.Message;
                throw new InvalidOptionException(message, ex.ParamName ?? "Argument", value);
            }
        }
    }
}
