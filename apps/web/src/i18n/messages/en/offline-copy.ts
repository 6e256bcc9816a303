// English text of the first sync's progress and of this browser's storage; part of en.ts.
const offlineCopy = {
  downloading: 'Downloading {done} of {total}',
  downloadingCount: 'Downloading {done}',
  progressLabel: 'First download of your offline copy',
  timeLeft: 'about {time} left',
  lessThanMinute: 'less than a minute',
  minutes: '1 minute | {n} minutes',
  hours: '{hours} h {minutes} min',
  collectionProgress: '{done} of {total}',
  listSeparator: ', ',
  storage: {
    heading: 'Storage in this browser',
    used: '{used} used of {quota} available',
    unknown: 'This browser does not say how much space is used.',
    persistence: {
      granted: 'Kept: the browser will not clear your offline copy to free space.',
      'not-granted':
        'Not kept for sure: the browser may clear your offline copy when space runs low. Edits waiting to upload could be lost.',
      unsupported: 'This browser cannot promise to keep your offline copy.',
    },
    askPersistence: 'Ask to keep it',
    full: 'Storage is full on this device: {collections} stopped downloading. Your offline copy still works. Free space or keep fewer repositories offline, then Retry.',
    retry: 'Retry',
  },
  units: { B: 'B', KB: 'KB', MB: 'MB', GB: 'GB' },
};

export default offlineCopy;
