// What a read and a write return: ValueTasks on .NET 8+ (pooled, no allocation per call), Tasks on netstandard2.0,
// which has no Memory-based stream overloads.
#if NET8_0_OR_GREATER
global using PendingWrite = System.Threading.Tasks.ValueTask;
global using ReadResult = System.Threading.Tasks.ValueTask<int>;
#else
global using PendingWrite = System.Threading.Tasks.Task;
global using ReadResult = System.Threading.Tasks.Task<int>;
#endif
