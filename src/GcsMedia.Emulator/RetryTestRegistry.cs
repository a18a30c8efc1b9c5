using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;

namespace GcsMedia.Emulator;

/// <summary>One fault-injection script: per method, the instructions still to be consumed.</summary>
internal sealed class RetryTest(string id, Dictionary<string, Queue<string>> instructions, string transport)
{
    public string Id { get; } = id;
    public string Transport { get; } = transport;

    public FaultInstruction? Consume(string method, bool skipByteOffsetFaults = false)
    {
        lock (instructions)
        {
            if (!instructions.TryGetValue(method, out var queue) || queue.Count == 0) return null;
            FaultInstruction.TryParse(queue.Peek(), out var instruction);
            if (skipByteOffsetFaults && instruction is { Kind: FaultKind.ReturnStatusAfter or FaultKind.StallAfter }) return null;
            queue.Dequeue();
            return instruction;
        }
    }

    public void WriteJson(Utf8JsonWriter w)
    {
        lock (instructions)
        {
            w.WriteStartObject();
            w.WriteString("id", Id);
            w.WriteStartObject("instructions");
            foreach (var (method, queue) in instructions)
            {
                w.WriteStartArray(method);
                foreach (var i in queue) w.WriteStringValue(i);
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteBoolean("completed", instructions.Values.All(q => q.Count == 0));
            w.WriteString("transport", Transport);
            w.WriteEndObject();
        }
    }
}

/// <summary>The retry tests created through POST /retry_test.</summary>
internal sealed class RetryTestRegistry
{
    private readonly ConcurrentDictionary<string, RetryTest> _tests = new(StringComparer.Ordinal);

    public RetryTest Create(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("instructions", out var instr) ||
            instr.ValueKind != JsonValueKind.Object)
            throw GcsException.BadRequest("The body must be a JSON object with an \"instructions\" object.");
        var map = new Dictionary<string, Queue<string>>(StringComparer.Ordinal);
        foreach (var method in instr.EnumerateObject())
        {
            if (method.Value.ValueKind != JsonValueKind.Array)
                throw GcsException.BadRequest($"Instructions for {method.Name} must be an array of strings.");
            var queue = new Queue<string>();
            foreach (var item in method.Value.EnumerateArray())
            {
                var text = item.ValueKind == JsonValueKind.String ? item.GetString()! : "";
                if (!FaultInstruction.TryParse(text, out _))
                    throw GcsException.BadRequest($"Unknown instruction '{item}' for {method.Name}.");
                queue.Enqueue(text);
            }
            map[method.Name] = queue;
        }
        var transport = body.TryGetProperty("transport", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "HTTP";
        var test = new RetryTest(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), map, transport);
        _tests[test.Id] = test;
        return test;
    }

    public RetryTest Get(string id) =>
        _tests.TryGetValue(id, out var t) ? t : throw GcsException.NotFound($"Retry test {id} not found");

    public bool Delete(string id) => _tests.TryRemove(id, out _);

    public IReadOnlyCollection<RetryTest> All => _tests.Values.ToList();

    /// <summary>The next instruction for <paramref name="method"/> of the test named by x-retry-test-id, if any.</summary>
    public FaultInstruction? Consume(HttpRequest request, string? method, bool skipByteOffsetFaults = false)
    {
        if (method is null) return null;
        var id = request.Headers["x-retry-test-id"].ToString();
        if (string.IsNullOrEmpty(id) || !_tests.TryGetValue(id, out var test)) return null;
        return test.Consume(method, skipByteOffsetFaults);
    }
}
