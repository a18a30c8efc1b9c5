using System;
using System.IO;
using System.Linq;

namespace GcsMedia.Transfers
{
    /// <summary>Turns the '/'-separated rest of an object name into a path below a folder, refusing anything that could leave it.</summary>
    internal static class LocalPaths
    {
        // Refused on every system, so a tree downloaded here can be copied to any other: Windows's reserved characters,
        // control characters (NUL included), and the backslash, a separator on Windows.
        private static readonly char[] Refused = "<>:\"|?*\\".ToCharArray().Concat(Enumerable.Range(0, 32).Select(i => (char)i)).ToArray();

        /// <summary>Null when every segment is a usable file or folder name, else why not.</summary>
        public static string? Check(string relative)
        {
            if (relative.Length == 0)
            {
                return "the name is empty below the prefix.";
            }

            foreach (string segment in relative.Split('/'))
            {
                if (segment.Length == 0)
                {
                    return "it has an empty path segment (a leading '/' or '//'), which would make an absolute path.";
                }

                if (segment == "." || segment == "..")
                {
                    return $"it has a '{segment}' path segment.";
                }

                if (segment.IndexOfAny(Refused) >= 0)
                {
                    return "it contains a character file systems refuse or treat as a separator or drive (NUL, control characters, \\ : * ? \" < > |).";
                }

                if (segment.EndsWith(" ", StringComparison.Ordinal) || segment.EndsWith(".", StringComparison.Ordinal))
                {
                    return "a path segment ends in a space or a dot, which Windows drops.";
                }
            }

            return null;
        }

        /// <summary>The full path of <paramref name="relative"/> below <paramref name="root"/>, or null if it would resolve anywhere else.</summary>
        public static string? Below(string root, string relative)
        {
            string full = Path.GetFullPath(Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar)));
            string prefix = root.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? root : root + Path.DirectorySeparatorChar;
            return full.StartsWith(prefix, StringComparison.Ordinal) ? full : null;
        }
    }
}
