using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// The files one download command writes, one object each. The file for an object is the path given, or, when that
    /// path is an existing folder, the object's last name segment in it. A path this command already gave to another
    /// object is refused (<see cref="DuplicateTargetException"/>) before the second download could replace the first.
    /// </summary>
    public sealed class DownloadFilePlan
    {
        private readonly Dictionary<string, string> _objectByPath = new Dictionary<string, string>(PathComparer);

        /// <summary>Windows and macOS file systems usually ignore case; two names differing only in case are one file there.</summary>
        public static StringComparer PathComparer
            => RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;

        /// <summary>
        /// The file for <paramref name="source"/> given the full <paramref name="path"/> the command was given. Throws
        /// <see cref="InvalidOptionException"/> (option OutFile) when the object has no file name for a folder,
        /// <see cref="MissingFolderException"/> when the file's folder is missing, <see cref="DuplicateTargetException"/> (First: the earlier object, Second: this one,
        /// Target: the path) for a path already planned for another object, and <see cref="ObjectExistsException"/> for
        /// an existing file without <paramref name="overwrite"/>.
        /// </summary>
        public string Add(string path, GcsObjectRef source, bool overwrite)
        {
            if (Directory.Exists(path))
            {
                string leaf = LastSegment(source.Name);
                if (leaf.Length == 0)
                {
                    throw new InvalidOptionException($"{source} has no file name to use in the folder '{path}' (it ends in '/'). Give -OutFile as a file path.", "OutFile", path);
                }

                path = Path.Combine(path, leaf);
            }

            if (_objectByPath.TryGetValue(path, out string? earlier) && earlier != source.ToString())
            {
                throw new DuplicateTargetException(earlier, source.ToString(), path);
            }

            _objectByPath[path] = source.ToString();
            string? folder = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
            {
                throw new MissingFolderException(path, folder!);
            }

            if (File.Exists(path) && !overwrite)
            {
                throw new ObjectExistsException(path);
            }

            return path;
        }

        private static string LastSegment(string objectName)
        {
            int slash = objectName.LastIndexOf('/');
            return slash < 0 ? objectName : objectName.Substring(slash + 1);
        }
    }
}
