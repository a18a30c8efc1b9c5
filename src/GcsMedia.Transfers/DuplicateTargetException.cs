using System;

namespace GcsMedia.Transfers
{
    /// <summary>Two different sources of one transfer would be written to the same object or file. Nothing was sent.</summary>
    public sealed class DuplicateTargetException : ArgumentException
    {
        public DuplicateTargetException(string first, string second, string target)
            : base($"'{first}' and '{second}' would both be written to {target}.")
        {
            First = first;
            Second = second;
            Target = target;
        }

        public string First { get; }

        public string Second { get; }

        public string Target { get; }
    }
}
