using System;

namespace GcsMedia.Protocol
{
    /// <summary>What an <see cref="ObjectListing"/> selects. All optional: everything in the bucket, in pages of up to 1000.</summary>
    public sealed class ObjectListingOptions
    {
        public const int MaxPageSize = 1000;

        private int? _pageSize;

        /// <summary>Only names that start with this.</summary>
        public string? Prefix { get; set; }

        /// <summary>Usually "/": names with the delimiter after the prefix fold into one entry of <see cref="ObjectListingPage.Prefixes"/> (a "folder").</summary>
        public string? Delimiter { get; set; }

        /// <summary>List every generation, noncurrent ones too (versions=true).</summary>
        public bool AllVersions { get; set; }

        /// <summary>Only names at or after this (startOffset).</summary>
        public string? StartOffset { get; set; }

        /// <summary>Only names before this (endOffset).</summary>
        public string? EndOffset { get; set; }

        /// <summary>Objects plus prefixes per page, 1 to 1000 (maxResults); null lets the server choose (1000 on GCS).</summary>
        public int? PageSize
        {
            get => _pageSize;
            set
            {
                if (value.HasValue && (value.Value < 1 || value.Value > MaxPageSize))
                {
                    throw new ArgumentOutOfRangeException(nameof(PageSize), value, $"A page holds 1 to {MaxPageSize} entries.");
                }

                _pageSize = value;
            }
        }

        public ObjectListingOptions Clone() => (ObjectListingOptions)MemberwiseClone();
    }
}
