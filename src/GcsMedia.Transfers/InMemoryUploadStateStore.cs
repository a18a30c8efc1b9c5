using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;

namespace GcsMedia.Transfers
{
    /// <summary>Upload states kept in this process only (tests, or callers that do not want crash resume).</summary>
    public sealed class InMemoryUploadStateStore : IUploadStateStore
    {
        private readonly ConcurrentDictionary<string, UploadState> _states = new ConcurrentDictionary<string, UploadState>();

        public string Location => "memory";

        public UploadState? Find(string key) => _states.TryGetValue(key, out UploadState? state) ? state : null;

        public IEnumerable<UploadState> All() => _states.Values.ToList();

        public string Save(UploadState state)
        {
            state.StatePath = "memory:" + state.Key;
            _states[state.Key] = state;
            return state.StatePath;
        }

        public void Remove(UploadState state) => _states.TryRemove(state.Key, out _);
    }
}
