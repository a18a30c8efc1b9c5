using System;
using System.Buffers;
using System.Security.Cryptography;

namespace GcsMedia.Protocol
{
    /// <summary>MD5, base64 as GCS writes md5Hash.</summary>
    public sealed class Md5Hasher : MediaHasher
    {
        private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);

        public override ChecksumType Type => ChecksumType.Md5;

        public override void Append(ReadOnlySpan<byte> data)
        {
#if NET8_0_OR_GREATER
            _md5.AppendData(data);
#else
            byte[] rented = ArrayPool<byte>.Shared.Rent(data.Length);
            try
            {
                data.CopyTo(rented);
                _md5.AppendData(rented, 0, data.Length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
#endif
        }

        public override string GetBase64()
        {
#if NET8_0_OR_GREATER
            return Convert.ToBase64String(_md5.GetCurrentHash());
#else
            // netstandard2.0 has no GetCurrentHash; finishing resets the state, so replaying is not possible.
            // Callers on .NET Framework ask for the value once, at the end of a transfer.
            return Convert.ToBase64String(_md5.GetHashAndReset());
#endif
        }

        public override void Dispose() => _md5.Dispose();
    }
}
