using System.Collections.Generic;

namespace GcsMedia.Protocol
{
    /// <summary>One page of a bucket listing: objects, delimiter prefixes ("folders"), and whether more pages follow.</summary>
    public sealed class ObjectListingPage
    {
        public ObjectListingPage(IReadOnlyList<ObjectResource> items, IReadOnlyList<string> prefixes, string? nextPageToken)
        {
            Items = items;
            Prefixes = prefixes;
            NextPageToken = nextPageToken;
        }

        public IReadOnlyList<ObjectResource> Items { get; }

        /// <summary>Names up to and including the delimiter, e.g. "logs/2024/"; empty without a delimiter.</summary>
        public IReadOnlyList<string> Prefixes { get; }

        /// <summary>The server's token for the next page; null on the last page.</summary>
        public string? NextPageToken { get; }
    }
}
