using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;

namespace GcsMedia.Cmdlets.Commands
{
    /// <summary>
    /// Get-GcsObject: one object's metadata (gs://bucket/name), or a listing (gs://bucket/folder/, or -Bucket with
    /// -Prefix): one level, with folder prefixes as GcsObject entries whose IsPrefix is set, unless -Recurse lists
    /// everything below. Each page (up to -PageSize entries) is written to the pipeline as soon as it arrives.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GcsObject", DefaultParameterSetName = UriSet)]
    [OutputType(typeof(GcsObject))]
    public sealed class GetGcsObject : GcsCmdlet
    {
        private const string UriSet = "Uri";
        private const string BucketSet = "Bucket";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = UriSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Uri { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ParameterSetName = BucketSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Bucket { get; set; } = string.Empty;

        [Parameter(Position = 1, ParameterSetName = BucketSet)]
        [ValidateNotNull]
        public string? Prefix { get; set; }

        [Parameter(ParameterSetName = BucketSet)]
        [Alias("Name", "Key")]
        [ValidateNotNullOrEmpty]
        public string? ObjectName { get; set; }

        /// <summary>Everything below the prefix, instead of one level with folder prefixes.</summary>
        [Parameter]
        public SwitchParameter Recurse { get; set; }

        /// <summary>Every generation, noncurrent ones too (versioned buckets).</summary>
        [Parameter]
        public SwitchParameter AllVersions { get; set; }

        /// <summary>One object: this generation instead of the live one.</summary>
        [Parameter]
        [ValidateRange(1, long.MaxValue)]
        public long? Generation { get; set; }

        [Parameter]
        [ValidateRange(1, ObjectListingOptions.MaxPageSize)]
        public int PageSize { get; set; } = ObjectListingOptions.MaxPageSize;

        protected override void ProcessRecord()
        {
            ListingAddress address;
            try
            {
                address = ParameterSetName == UriSet ? ListingAddress.FromUri(Uri) : ListingAddress.FromBucket(Bucket, Prefix, ObjectName);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(ex.Message, ex.ParamName ?? "Uri", ParameterSetName == UriSet ? Uri : Bucket));
                return;
            }

            if (Generation.HasValue && (address.Object == null || AllVersions))
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(
                    $"-Generation selects a generation of one object, so it needs an object address (gs://bucket/name, or -Bucket with -ObjectName) and no -AllVersions; '{address.Display}' is a listing.",
                    "Generation", Generation));
            }

            RunRequests(
                (pipeline, token) => address.Object != null && !AllVersions
                    ? GetOneAsync(pipeline, address.Object, token)
                    : ListAsync(pipeline, address, token),
                ex => GcsErrors.FromException(ex, address.Display));
        }

        private async Task GetOneAsync(AsyncPipeline pipeline, GcsObjectRef target, CancellationToken token)
        {
            GcsConnection connection = Connection;
            var lookup = new ObjectLookup(connection.Client, connection.Urls, target, Generation)
            {
                Retrying = e => PipelineObserver.Retrying(pipeline, e),
            };
            ObjectResource resource = await lookup.GetAsync(token).ConfigureAwait(false);
            pipeline.WriteObject(GcsObject.From(resource, target, null, null));
        }

        /// <summary>A listing; for one object with -AllVersions, the generations of exactly that name.</summary>
        private async Task ListAsync(AsyncPipeline pipeline, ListingAddress address, CancellationToken token)
        {
            GcsConnection connection = Connection;
            var listing = new ObjectListing(connection.Client, connection.Urls, address.Bucket, new ObjectListingOptions
            {
                Prefix = address.Prefix.Length == 0 ? null : address.Prefix,
                Delimiter = Recurse || address.Object != null ? null : "/",
                AllVersions = AllVersions,
                PageSize = PageSize,
            })
            {
                Retrying = e => PipelineObserver.Retrying(pipeline, e),
            };
            long objects = 0;
            long prefixes = 0;
            while (!listing.Finished)
            {
                ObjectListingPage page = await listing.NextPageAsync(token).ConfigureAwait(false);
                IEnumerable<GcsObject> entries = page.Items
                    .Where(item => item.Name != null && (address.Object == null || item.Name == address.Object.Name))
                    .Select(item => GcsObject.From(item, new GcsObjectRef(address.Bucket, item.Name!), null, null))
                    .Concat(page.Prefixes.Select(prefix => GcsObject.ForPrefix(address.Bucket, prefix)))
                    .OrderBy(entry => entry.Name, StringComparer.Ordinal)
                    .ThenByDescending(entry => entry.Generation ?? 0);
                foreach (GcsObject entry in entries)
                {
                    if (entry.IsPrefix)
                    {
                        prefixes++;
                    }
                    else
                    {
                        objects++;
                    }

                    pipeline.WriteObject(entry);
                }

                pipeline.WriteVerbose($"{address.Display}: page {listing.PagesRead}, {page.Items.Count} object(s) and {page.Prefixes.Count} folder(s){(listing.Finished ? ", the last page" : string.Empty)}.");
            }

            pipeline.WriteVerbose($"{address.Display}: {objects} object(s), {prefixes} folder(s) in {listing.PagesRead} page(s).");
        }
    }
}
