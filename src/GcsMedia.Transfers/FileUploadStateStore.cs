using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Newtonsoft.Json;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// One JSON file per resumable upload, named by a hash of (endpoint, bucket, object, full source path, file
    /// length, last write time). Default folder: %LOCALAPPDATA%\GcsMedia\uploads on Windows, ~/.gcsmedia/uploads
    /// elsewhere; the GCSMEDIA_STATE_DIR environment variable overrides it. Files are created owner-only (Unix
    /// mode 0600 in a 0700 folder; on Windows the folder lives in the user's private profile).
    /// </summary>
    public sealed class FileUploadStateStore : IUploadStateStore
    {
        public const string DirectoryVariable = "GCSMEDIA_STATE_DIR";

        public FileUploadStateStore(string? directory = null)
        {
            Directory = directory ?? DefaultDirectory();
        }

        public string Directory { get; }

        public string Location => Directory;

        public static string DefaultDirectory()
        {
            string? overridden = Environment.GetEnvironmentVariable(DirectoryVariable);
            if (!string.IsNullOrEmpty(overridden))
            {
                return overridden!;
            }

            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "GcsMedia", "uploads");
            }

            string home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return Path.Combine(home, ".gcsmedia", "uploads");
        }

        public string PathFor(string key) => Path.Combine(Directory, key + ".json");

        public UploadState? Find(string key)
        {
            string path = PathFor(key);
            return File.Exists(path) ? Load(path) : null;
        }

        /// <summary>Unreadable files are skipped.</summary>
        public IEnumerable<UploadState> All()
        {
            if (!System.IO.Directory.Exists(Directory))
            {
                yield break;
            }

            foreach (string path in System.IO.Directory.GetFiles(Directory, "*.json"))
            {
                UploadState? state = null;
                try
                {
                    state = Load(path);
                }
                catch (Exception ex) when (ex is IOException || ex is JsonException || ex is UnauthorizedAccessException)
                {
                }

                if (state != null)
                {
                    yield return state;
                }
            }
        }

        public static UploadState Load(string path)
        {
            string text = File.ReadAllText(path);
            UploadState? state = JsonConvert.DeserializeObject<UploadState>(text);
            if (state == null || string.IsNullOrEmpty(state.SessionUri) || string.IsNullOrEmpty(state.Bucket))
            {
                throw new JsonSerializationException($"'{path}' is not a GcsMedia upload state file.");
            }

            state.StatePath = Path.GetFullPath(path);
            return state;
        }

        /// <summary>Writes the state owner-only, replacing an older file atomically.</summary>
        public string Save(UploadState state)
        {
            CreateDirectory(Directory);
            string path = state.StatePath ?? PathFor(state.Key);
            string temp = path + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp";
            byte[] bytes = new UTF8Encoding(false).GetBytes(JsonConvert.SerializeObject(state, Formatting.Indented));
            using (FileStream stream = CreateOwnerOnly(temp))
            {
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(true);
            }

            if (File.Exists(path))
            {
                File.Delete(path);
            }

            File.Move(temp, path);
            state.StatePath = path;
            return path;
        }

        public void Remove(UploadState state)
        {
            string path = state.StatePath ?? PathFor(state.Key);
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }

        private static void CreateDirectory(string directory)
        {
            if (System.IO.Directory.Exists(directory))
            {
                return;
            }

#if NET8_0_OR_GREATER
            if (!OperatingSystem.IsWindows())
            {
                System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                return;
            }
#endif
            System.IO.Directory.CreateDirectory(directory);
        }

        private static FileStream CreateOwnerOnly(string path)
        {
#if NET8_0_OR_GREATER
            if (!OperatingSystem.IsWindows())
            {
                // Created with mode 0600 from the start: no window in which another user could open it.
                return new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    Share = FileShare.None,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
            }

            var info = new FileInfo(path);
            var security = new System.Security.AccessControl.FileSecurity();
            security.SetAccessRuleProtection(isProtected: true, preserveInheritance: false);
            var user = System.Security.Principal.WindowsIdentity.GetCurrent().User!;
            security.AddAccessRule(new System.Security.AccessControl.FileSystemAccessRule(
                user, System.Security.AccessControl.FileSystemRights.FullControl, System.Security.AccessControl.AccessControlType.Allow));
            return info.Create(FileMode.CreateNew, System.Security.AccessControl.FileSystemRights.Write, FileShare.None, 4096, FileOptions.None, security);
#else
            // Windows PowerShell 5.1 (netstandard2.0 build): the file inherits the ACL of the user's profile folder
            // (LOCALAPPDATA), which only the user and administrators can read. Best effort, untested here.
            return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
#endif
        }
    }
}
