using System.Collections.Generic;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// Where resumable uploads keep what a new process needs to finish them. The state holds the session URI, a
    /// bearer capability: a store must keep it from other users (<see cref="FileUploadStateStore"/> writes
    /// owner-only files) and never print it.
    /// </summary>
    public interface IUploadStateStore
    {
        /// <summary>Where the states are kept, for messages (a folder, or a description).</summary>
        string Location { get; }

        /// <summary>The saved state with this <see cref="UploadState.Key"/>, or null.</summary>
        UploadState? Find(string key);

        /// <summary>Every saved state.</summary>
        IEnumerable<UploadState> All();

        /// <summary>Saves (or replaces) the state and returns where it was saved; sets <see cref="UploadState.StatePath"/>.</summary>
        string Save(UploadState state);

        void Remove(UploadState state);
    }
}
