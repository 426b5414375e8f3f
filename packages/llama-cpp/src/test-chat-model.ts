import { readFile, writeFile } from "node:fs/promises";

const scalarSizes: Readonly<Record<number, number>> = {
  0: 1,
  1: 1,
  2: 2,
  3: 2,
  4: 4,
  5: 4,
  6: 4,
  7: 1,
  10: 8,
  11: 8,
  12: 8,
};
const stringType = 8;
const arrayType = 9;

/**
 * Copies a GGUF file, adding one string metadata entry (e.g. `tokenizer.chat_template`), so that tests can give
 * a lab model a chat template. Tensor data is copied as is: tensor offsets are relative to the (re-aligned)
 * start of the data section.
 */
export async function copyModelWithMetadata(
  source: string,
  target: string,
  key: string,
  value: string,
): Promise<void> {
  const bytes = await readFile(source);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 4;
  const readUint32 = (): number => {
    const result = view.getUint32(offset, true);
    offset += 4;
    return result;
  };
  const readUint64 = (): number => {
    const result = Number(view.getBigUint64(offset, true));
    offset += 8;
    return result;
  };
  const skipValue = (type: number): void => {
    if (type === stringType) {
      const length = readUint64();
      offset += length;
    } else if (type === arrayType) {
      const elementType = readUint32();
      const count = readUint64();
      for (let index = 0; index < count; index += 1) skipValue(elementType);
    } else {
      const size = scalarSizes[type];
      if (size === undefined) throw new Error(`unknown GGUF value type ${type}`);
      offset += size;
    }
  };
  readUint32(); // version
  const tensorCount = readUint64();
  const entryCount = readUint64();
  const entriesStart = offset;
  let alignment = 32;
  for (let index = 0; index < entryCount; index += 1) {
    const length = readUint64();
    const name = bytes.subarray(offset, offset + length).toString("utf8");
    offset += length;
    const type = readUint32();
    if (name === "general.alignment") alignment = view.getUint32(offset, true);
    skipValue(type);
  }
  const entriesEnd = offset;
  for (let index = 0; index < tensorCount; index += 1) {
    const length = readUint64();
    offset += length;
    const dimensions = readUint32();
    offset += 8 * dimensions + 4 + 8; // dimensions, type, offset
  }
  const infosEnd = offset;
  const dataStart = infosEnd + ((alignment - (infosEnd % alignment)) % alignment);
  const keyBytes = Buffer.from(key, "utf8");
  const valueBytes = Buffer.from(value, "utf8");
  const entry = Buffer.alloc(8 + keyBytes.length + 4 + 8 + valueBytes.length);
  let at = entry.writeBigUInt64LE(BigInt(keyBytes.length), 0);
  at += keyBytes.copy(entry, at);
  at = entry.writeUInt32LE(stringType, at);
  at = entry.writeBigUInt64LE(BigInt(valueBytes.length), at);
  valueBytes.copy(entry, at);
  const start = Buffer.from(bytes.subarray(0, entriesStart));
  start.writeBigUInt64LE(BigInt(entryCount + 1), 16);
  const header = Buffer.concat([
    start,
    bytes.subarray(entriesStart, entriesEnd),
    entry,
    bytes.subarray(entriesEnd, infosEnd),
  ]);
  const padding = Buffer.alloc((alignment - (header.length % alignment)) % alignment);
  await writeFile(target, Buffer.concat([header, padding, bytes.subarray(dataStart)]));
}
