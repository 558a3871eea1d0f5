import { DELIMITERS, type Choice, type Delimiter, type ParsedFile } from '@/features/customers/import/parse-import'

/** The guesses the preview rests on (separator, header, ID column), each one the person can change. */
export function ImportOptions({ file, onChange }: { file: ParsedFile; onChange: (patch: Choice) => void }) {
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
      <label className="flex items-center gap-2">
        Separator
        <select className="field w-auto" value={file.delimiter} onChange={(e) => onChange({ delimiter: e.target.value as Delimiter, column: undefined })}>
          {Object.entries(DELIMITERS).map(([d, name]) => <option key={name} value={d}>{name}</option>)}
        </select>
      </label>
      <label className="flex items-center gap-2">
        <input type="checkbox" checked={file.header} onChange={(e) => onChange({ header: e.target.checked })} />
        First row is a header
      </label>
      {file.width > 1 && (
        <label className="flex items-center gap-2">
          Column with the IDs
          <select className="field w-auto" value={file.column} onChange={(e) => onChange({ column: Number(e.target.value) })}>
            {file.columns.map((name, i) => <option key={i} value={i}>{name}</option>)}
          </select>
        </label>
      )}
    </div>
  )
}
