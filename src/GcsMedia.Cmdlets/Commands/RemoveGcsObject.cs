using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using GcsMedia.Protocol;
using GcsMedia.Transfers;

namespace GcsMedia.Cmdlets.Commands
{
    /// <summary>
    /// Remove-GcsObject: deletes objects. Confirms each one unless -Force (ConfirmImpact High, as Remove-S3Object).
    /// Objects piped from Get-GcsObject are deleted only while they are still the generation that was listed
    /// (ifGenerationMatch), or, for noncurrent generations, exactly that generation; so the deletes are idempotent and
    /// retried. Confirmed targets are deleted in batches, -ThrottleLimit at a time; a missing object is a
    /// non-terminating error and the rest go on.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "GcsObject", DefaultParameterSetName = UriSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    public sealed class RemoveGcsObject : GcsCmdlet
    {
        private const string UriSet = "Uri";
        private const string ObjectSet = "Object";
        private const string InputObjectSet = "InputObject";
        private const int BatchSize = 1000;

        private readonly List<ObjectDeletionTarget> _pending = new List<ObjectDeletionTarget>();

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = UriSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Uri { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ParameterSetName = ObjectSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Bucket { get; set; } = string.Empty;

        [Parameter(Mandatory = true, ParameterSetName = ObjectSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Name", "Key")]
        [ValidateNotNullOrEmpty]
        public string ObjectName { get; set; } = string.Empty;

        /// <summary>An object from Get-GcsObject (or Send-GcsMedia, Copy-GcsObject).</summary>
        [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
        [ValidateNotNull]
        public GcsObject? InputObject { get; set; }

        /// <summary>Deletes exactly this generation (on a versioned bucket, permanently).</summary>
        [Parameter]
        [ValidateRange(1, long.MaxValue)]
        public long? Generation { get; set; }

        /// <summary>Deletes only while the live generation is this one.</summary>
        [Parameter]
        [ValidateRange(1, long.MaxValue)]
        public long? IfGenerationMatch { get; set; }

        /// <summary>Deletes without asking for confirmation (-WhatIf and an explicit -Confirm still apply).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 8;

        protected override void ProcessRecord()
        {
            ObjectDeletionTarget? target = Resolve();
            if (target == null || !Confirmed(target))
            {
                return;
            }

            _pending.Add(target);
            if (_pending.Count >= BatchSize)
            {
                Flush();
            }
        }

        protected override void EndProcessing()
        {
            Flush();
        }

        private ObjectDeletionTarget? Resolve()
        {
            if (ParameterSetName == InputObjectSet)
            {
                GcsObject input = InputObject!;
                if (input.IsPrefix)
                {
                    WriteWarning($"{input.Uri} is a folder prefix, not an object; skipped. To remove what is below it, pipe Get-GcsObject -Recurse.");
                    return null;
                }

                if (Generation.HasValue || IfGenerationMatch.HasValue || !input.Generation.HasValue)
                {
                    return new ObjectDeletionTarget(new GcsObjectRef(input.Bucket, input.Name), Generation, IfGenerationMatch);
                }

                // A noncurrent generation is deleted by number; a live one only if nothing replaced it since the listing.
                return input.TimeDeleted.HasValue
                    ? new ObjectDeletionTarget(new GcsObjectRef(input.Bucket, input.Name), input.Generation, null)
                    : new ObjectDeletionTarget(new GcsObjectRef(input.Bucket, input.Name), null, input.Generation);
            }

            try
            {
                GcsObjectRef target = ObjectAddress.Resolve(ParameterSetName == UriSet ? Uri : null, Bucket, ObjectName);
                return new ObjectDeletionTarget(target, Generation, IfGenerationMatch);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(GcsErrors.InvalidArgument(ex.Message, ex.ParamName ?? "Uri", ParameterSetName == UriSet ? Uri : Bucket));
                return null;
            }
        }

        private bool Confirmed(ObjectDeletionTarget target)
        {
            string action = target.Generation.HasValue ? $"Remove generation {target.Generation} (permanently)" : "Remove object";
            bool askAnyway = WhatIfRequested() || MyInvocation.BoundParameters.ContainsKey("Confirm");
            return (Force && !askAnyway) || ShouldProcess(target.Object.ToString(), action);
        }

        private bool WhatIfRequested()
            => (MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? whatIf) && ((SwitchParameter)whatIf).IsPresent)
               || LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

        private void Flush()
        {
            if (_pending.Count == 0)
            {
                return;
            }

            var batch = _pending.ToArray();
            _pending.Clear();
            RunRequests((pipeline, token) => DeleteAllAsync(pipeline, batch, token), failure: null);
        }

        private async Task DeleteAllAsync(AsyncPipeline pipeline, IReadOnlyList<ObjectDeletionTarget> batch, CancellationToken token)
        {
            GcsConnection connection = Connection;
            using (var slots = new SemaphoreSlim(ThrottleLimit))
            {
                var running = new List<Task>(batch.Count);
                foreach (ObjectDeletionTarget target in batch)
                {
                    await slots.WaitAsync(token).ConfigureAwait(false);
                    running.Add(DeleteOneAsync(pipeline, connection, target, slots, token));
                }

                await Task.WhenAll(running).ConfigureAwait(false);
            }
        }

        private static async Task DeleteOneAsync(AsyncPipeline pipeline, GcsConnection connection, ObjectDeletionTarget target, SemaphoreSlim slots, CancellationToken token)
        {
            try
            {
                var deletion = new ObjectDeletion(connection.Client, connection.Urls, target.Object, target.Generation, target.IfGenerationMatch)
                {
                    Retrying = e => PipelineObserver.Retrying(pipeline, e),
                };
                await deletion.DeleteAsync(token).ConfigureAwait(false);
                pipeline.WriteVerbose($"Removed {target.Object}{(target.Generation.HasValue ? $" generation {target.Generation}" : string.Empty)}.");
            }
            catch (Exception ex) when (!token.IsCancellationRequested)
            {
                pipeline.WriteError(GcsErrors.FromException(ex, target.Object.ToString()));
            }
            finally
            {
                slots.Release();
            }
        }

        private sealed class ObjectDeletionTarget
        {
            public ObjectDeletionTarget(GcsObjectRef target, long? generation, long? ifGenerationMatch)
            {
                Object = target;
                Generation = generation;
                IfGenerationMatch = ifGenerationMatch;
            }

            public GcsObjectRef Object { get; }

            public long? Generation { get; }

            public long? IfGenerationMatch { get; }
        }
    }
}
