namespace GcsMedia.Emulator;

/// <summary>What storage.objects.list selects: a name prefix, a delimiter that folds names into prefixes, and a
/// name range [StartOffset, EndOffset).</summary>
internal sealed record ListQuery(string Prefix, string? Delimiter, string? StartOffset, string? EndOffset, int MaxResults, string? PageToken);

/// <summary>One page of a listing: objects, delimiter prefixes, and the token of the next page (null on the last).</summary>
internal sealed record ListPage(List<StoredObject> Items, List<string> Prefixes, string? NextPageToken);

internal sealed partial class ObjectStore
{
    /// <summary>
    /// A page of objects and delimiter-collapsed prefixes in name order; both count towards MaxResults. The page token
    /// is opaque: it names the last object or prefix returned, so a prefix never appears on two pages.
    /// </summary>
    public ListPage List(string bucket, ListQuery query)
    {
        var (afterName, afterPrefix) = ListPageToken.Decode(query.PageToken);
        lock (_gate)
        {
            if (!_objects.TryGetValue(bucket, out var objects)) throw GcsException.BucketNotFound(bucket);
            var items = new List<StoredObject>();
            var prefixes = new List<string>();
            string? lastToken = null;
            foreach (var (name, o) in objects)
            {
                if (!name.StartsWith(query.Prefix, StringComparison.Ordinal)) continue;
                if (afterName is not null && string.CompareOrdinal(name, afterName) <= 0) continue;
                if (afterPrefix is not null && (string.CompareOrdinal(name, afterPrefix) <= 0 || name.StartsWith(afterPrefix, StringComparison.Ordinal))) continue;
                if (query.StartOffset is { Length: > 0 } from && string.CompareOrdinal(name, from) < 0) continue;
                if (query.EndOffset is { Length: > 0 } to && string.CompareOrdinal(name, to) >= 0) continue;

                string? folded = null;
                if (!string.IsNullOrEmpty(query.Delimiter))
                {
                    var idx = name.IndexOf(query.Delimiter, query.Prefix.Length, StringComparison.Ordinal);
                    if (idx >= 0) folded = name[..(idx + query.Delimiter.Length)];
                }
                // Names sharing a prefix are contiguous in ordinal order, so a repeat is always the last one added.
                if (folded is not null && prefixes.Count > 0 && prefixes[^1] == folded) continue;
                if (items.Count + prefixes.Count >= query.MaxResults) return new ListPage(items, prefixes, lastToken);

                if (folded is not null)
                {
                    prefixes.Add(folded);
                    lastToken = ListPageToken.AfterPrefix(folded);
                }
                else
                {
                    items.Add(o);
                    lastToken = ListPageToken.AfterName(name);
                }
            }
            return new ListPage(items, prefixes, null);
        }
    }
}
