using System;
using System.IO;
using Newtonsoft.Json;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// The sidecar &lt;OutFile&gt;.partial.json next to a download in progress: which object and generation the
    /// .partial holds the start of, so a rerun can continue it (or start over when the object changed).
    /// </summary>
    [JsonObject(MemberSerialization.OptIn)]
    internal sealed class PartialDownload
    {
        [JsonProperty("uri")]
        public string Uri { get; set; } = string.Empty;

        [JsonProperty("endpoint")]
        public string Endpoint { get; set; } = string.Empty;

        [JsonProperty("generation")]
        public long Generation { get; set; }

        [JsonProperty("raw")]
        public bool Raw { get; set; }

        public static string PartialPath(string outFile) => outFile + ".partial";

        public static string SidecarPath(string outFile) => outFile + ".partial.json";

        public static PartialDownload? TryLoad(string outFile)
        {
            try
            {
                string path = SidecarPath(outFile);
                return File.Exists(path) ? JsonConvert.DeserializeObject<PartialDownload>(File.ReadAllText(path)) : null;
            }
            catch (Exception ex) when (ex is IOException || ex is JsonException || ex is UnauthorizedAccessException)
            {
                return null;
            }
        }

        public void Save(string outFile) => File.WriteAllText(SidecarPath(outFile), JsonConvert.SerializeObject(this));

        public static void Delete(string outFile)
        {
            TryDelete(PartialPath(outFile));
            TryDelete(SidecarPath(outFile));
        }

        private static void TryDelete(string path)
        {
            try
            {
                if (File.Exists(path))
                {
                    File.Delete(path);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
