import type { Chip } from '@/features/workflow/describe-submission'

export const StatusChip = ({ chip }: { chip: Chip }) => <span className={`chip chip-${chip.tone}`}>{chip.label}</span>
