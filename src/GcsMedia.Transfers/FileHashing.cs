using System.IO;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;

namespace GcsMedia.Transfers
{
    /// <summary>Checksums of local files, in the base64 form GCS reports.</summary>
    internal static class FileHashing
    {
        public static async Task<string?> HashAsync(string path, ChecksumType type, CancellationToken cancellationToken)
        {
            using (MediaHasher? hasher = MediaHasher.Create(type))
            {
                if (hasher == null)
                {
                    return null;
                }

                var buffer = new byte[1 << 20];
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
                {
                    int n;
                    while ((n = await stream.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        hasher.Append(buffer, 0, n);
                    }
                }

                return hasher.GetBase64();
            }
        }
    }
}
