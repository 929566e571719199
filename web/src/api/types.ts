// The API's JSON, named for the pages: every type is generated from infra/openapi.json into
// schema.d.ts by openapi-typescript (`npm run types`; `npm run types:check`, part of
// `make test`, fails when it is stale). Amounts are integer minor units; quantities, tax
// rates and percents are decimal strings.
import type { components } from './schema';

type S = components['schemas'];

export type EstimateStatus = S['EstimateStatus'];

export type LineItem = S['LineItem'];

export type EstimateOption = S['EstimateOption'];

export type OptionGroup = S['OptionGroup'];

export type DepositRule = S['DepositRule'];

export type VersionContent = S['VersionContent'];

export type Selection = S['Selection'];

export type Totals = S['Totals'];

export type LineChange = S['LineChange'];

export type VersionChanges = S['VersionChanges'];

export type Approval = S['Approval'];

export type ApprovedHow = S['ApprovedHow'];

export type OfflineApproval = S['OfflineApproval'];

/** "by phone", "on paper": as a sentence says it. */
export const APPROVED_HOW: Record<ApprovedHow, string> = { phone: 'by phone', paper: 'on paper', in_person: 'in person', email: 'by email' };

export type Decision = S['Decision'];

export type VersionView = S['VersionView'];

export type EstimateView = S['EstimateView'];

export type EstimateSummary = S['EstimateSummary'];

export type TenantProfile = S['TenantProfile'];

export type SessionResponse = S['SessionResponse'];

export type EstimateList = S['EstimateList'];

export type InvoiceStatus = S['InvoiceStatus'];
export type PaymentStatus = S['PaymentStatus'];
export type PaymentMethod = S['PaymentMethod'];
export type Purpose = S['Purpose'];

export type Amount = S['Amount'];

export type InvoiceSummary = S['InvoiceSummary'];

export type InvoiceList = S['InvoiceList'];

export type PayBalance = S['PayBalance'];

export type PaymentView = S['PaymentView'];

export type PayOptions = S['PayOptions'];

export type Started = S['Started'];

export type CreditView = S['CreditView'];

export type PaymentHistory = S['PaymentHistory'];

export type PaymentDetail = S['PaymentDetail'];

export type InvoiceView = S['InvoiceView'];

// Jobs and visits.
export type Home = S['Home'];
export type JobStatus = S['JobStatus'];
export type VisitStatus = S['VisitStatus'];
export type Window = S['Window'];
export type Crew = S['Crew'];
export type VisitView = S['VisitView'];
export type JobSummary = S['JobSummary'];
export type JobView = S['JobView'];
export type JobDetail = S['JobDetail'];
export type JobList = S['JobList'];
export type TimelineEntry = S['TimelineEntry'];
export type RequestView = S['RequestView'];
export type WorkingHours = S['WorkingHours'];
export type PropertyList = S['PropertyList'];
export type PropertyHistory = S['PropertyHistory'];
export type Equipment = S['Equipment'];
export type AgreementView = S['AgreementView'];
/** A window as people give it: a day and two wall-clock times in the job's zone. */
export type LocalWindow = S['LocalWindow'];

// Photos and documents.
export type FileView = S['FileView'];
export type PhotoView = S['PhotoView'];
export type DocumentView = S['DocumentView'];
export type NewFile = S['NewFile'];
export type Attached = S['Attached'];
export type PhotoTag = S['PhotoTag'];
export type DocKind = S['DocKind'];
export type Slot = S['Slot'];
/** An estimate as its page loads it, with its photos and documents. */
export type EstimateWithFiles = S['EstimatePage'];
export type UploadStatus = S['UploadStatus'];
export type Pictures = S['Pictures'];
export type PhotoGroup = S['PhotoGroup'];
export type ThreadList = S['ThreadList'];
export type ThreadPage = S['ThreadPage'];
export type ThreadView = S['ThreadView'];
export type MessageView = S['MessageView'];
export type NewMessage = S['NewMessage'];
export type Posted = S['Posted'];

// Rate us.
export type RatingPage = S['RatingPage'];
export type RatingList = S['RatingList'];
export type RatingView = S['RatingView'];
export type NewRating = S['NewRating'];
export type RatedTechnician = S['RatedTechnician'];
export type ReviewLink = S['ReviewLink'];
export type Rating = S['Rating'];
export type StaffRatings = S['StaffRatings'];
export type RatingFigures = S['Figures'];
export type FollowUpChange = S['FollowUpChange'];
// Work requests.
export type RequestForm = S['RequestForm'];
export type WorkRequestView = S['WorkRequestView'];
export type RequestList = S['RequestList'];
export type NewRequest = S['NewRequest'];
export type NewAddress = S['NewAddress'];
export type Reach = S['Reach'];
export type RequestStatus = S['RequestStatus'];
export type WorkRequest = S['WorkRequest'];
export type StaffRequestView = S['StaffRequestView'];
export type RequestInbox = S['RequestInbox'];
export type RequestConverted = S['RequestConverted'];
export type ToJob = S['ToJob'];
