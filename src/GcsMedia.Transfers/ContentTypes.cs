using System;
using System.Collections.Generic;
using System.IO;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// Content types by file extension, for uploads without an explicit content type: the common types of web
    /// sites, documents, media, archives and data files (the IANA names browsers and gsutil use). Unknown
    /// extensions get application/octet-stream. Text types carry no charset: GCS serves the bytes as stored.
    /// </summary>
    public static class ContentTypes
    {
        public const string Default = "application/octet-stream";

        /// <summary>Text uploaded from a string (always UTF-8).</summary>
        public const string Utf8Text = "text/plain; charset=utf-8";

        private static readonly Dictionary<string, string> ByExtension = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            // Text and web
            [".txt"] = "text/plain",
            [".log"] = "text/plain",
            [".md"] = "text/markdown",
            [".csv"] = "text/csv",
            [".tsv"] = "text/tab-separated-values",
            [".htm"] = "text/html",
            [".html"] = "text/html",
            [".css"] = "text/css",
            [".js"] = "text/javascript",
            [".mjs"] = "text/javascript",
            [".json"] = "application/json",
            [".map"] = "application/json",
            [".xml"] = "application/xml",
            [".yaml"] = "application/yaml",
            [".yml"] = "application/yaml",
            [".ics"] = "text/calendar",
            [".wasm"] = "application/wasm",
            [".webmanifest"] = "application/manifest+json",

            // Images
            [".png"] = "image/png",
            [".jpg"] = "image/jpeg",
            [".jpeg"] = "image/jpeg",
            [".gif"] = "image/gif",
            [".webp"] = "image/webp",
            [".avif"] = "image/avif",
            [".svg"] = "image/svg+xml",
            [".ico"] = "image/vnd.microsoft.icon",
            [".bmp"] = "image/bmp",
            [".tif"] = "image/tiff",
            [".tiff"] = "image/tiff",
            [".heic"] = "image/heic",

            // Audio and video
            [".mp3"] = "audio/mpeg",
            [".wav"] = "audio/wav",
            [".ogg"] = "audio/ogg",
            [".oga"] = "audio/ogg",
            [".flac"] = "audio/flac",
            [".m4a"] = "audio/mp4",
            [".aac"] = "audio/aac",
            [".opus"] = "audio/opus",
            [".mp4"] = "video/mp4",
            [".m4v"] = "video/mp4",
            [".mov"] = "video/quicktime",
            [".webm"] = "video/webm",
            [".ogv"] = "video/ogg",
            [".mkv"] = "video/x-matroska",
            [".avi"] = "video/x-msvideo",
            [".mpeg"] = "video/mpeg",
            [".mpg"] = "video/mpeg",
            [".m3u8"] = "application/vnd.apple.mpegurl",
            [".mpd"] = "application/dash+xml",

            // Fonts
            [".woff"] = "font/woff",
            [".woff2"] = "font/woff2",
            [".ttf"] = "font/ttf",
            [".otf"] = "font/otf",

            // Documents
            [".pdf"] = "application/pdf",
            [".rtf"] = "application/rtf",
            [".doc"] = "application/msword",
            [".docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            [".xls"] = "application/vnd.ms-excel",
            [".xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            [".ppt"] = "application/vnd.ms-powerpoint",
            [".pptx"] = "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            [".odt"] = "application/vnd.oasis.opendocument.text",
            [".ods"] = "application/vnd.oasis.opendocument.spreadsheet",
            [".epub"] = "application/epub+zip",

            // Archives and binaries
            [".zip"] = "application/zip",
            [".gz"] = "application/gzip",
            [".tgz"] = "application/gzip",
            [".bz2"] = "application/x-bzip2",
            [".xz"] = "application/x-xz",
            [".zst"] = "application/zstd",
            [".7z"] = "application/x-7z-compressed",
            [".tar"] = "application/x-tar",
            [".rar"] = "application/vnd.rar",
            [".jar"] = "application/java-archive",
            [".parquet"] = "application/vnd.apache.parquet",
            [".avro"] = "application/avro",
            [".sql"] = "application/sql",
            [".ps1"] = "text/plain",
            [".sh"] = "application/x-sh",
        };

        /// <summary>The content type for a file name or path, from its extension; <see cref="Default"/> when unknown.</summary>
        public static string FromFileName(string? fileName)
        {
            if (string.IsNullOrEmpty(fileName))
            {
                return Default;
            }

            string extension = Path.GetExtension(fileName);
            return extension.Length > 0 && ByExtension.TryGetValue(extension, out string? type) ? type : Default;
        }
    }
}
