using System;
using System.IO;

namespace GcsMedia.Transfers
{
    /// <summary>The target object (or file) exists and overwriting was not allowed. Nothing was written.</summary>
    public sealed class ObjectExistsException : IOException
    {
        public ObjectExistsException(string target, Exception? inner = null)
            : base($"{target} already exists.", inner)
        {
            Target = target;
        }

        /// <summary>The gs:// URI or local path that exists.</summary>
        public string Target { get; }
    }
}
